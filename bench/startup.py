"""Start-up time of the command line: `redprop --help` and `redprop search` on the sample corpus.

Each command runs N times in a fresh process; the table gives the median wall time and its ratio to
`python -c pass` measured in the same run (the interpreter's own start-up, the floor no CLI can beat), so figures
from a loaded or a fast machine compare. The sample corpus (corpus/) is ingested once into a temporary folder.
The commands run as an installed copy would, with bytecode caching on (where PYTHONDONTWRITEBYTECODE is set, every
run would compile the project's modules again); the warm-up round writes the bytecode and the segmenter's
dictionary files (ingest/text/dictionary.py) that the timed runs read.

    python -m bench.startup [--runs 15] [--json] [--redprop PATH]  (PATH: another checkout's entry point, for
                                                                     a before/after table)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDPROP = Path(sys.executable).with_name("redprop")
QUERY = "业委会"
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT)
    return time.perf_counter() - started


def median_walls(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall seconds of each command. Runs interleave (one of each per round, after a warm-up round for the
    page cache and jieba's own dictionary cache), so a load that comes and goes on a shared machine weighs on the
    baseline as on the commands and the ratios stay comparable."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(runs + 1):
        for name, command in commands.items():
            seconds = wall(command)
            if round_:
                times[name].append(seconds)
    return {name: statistics.median(values) for name, values in times.items()}


def measure(runs: int, redprop: Path = REDPROP) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="redprop-startup-") as home:
        subprocess.run([str(redprop), "ingest", str(ROOT / "corpus"), "--home", home, "--json"], check=True,
                       stdout=subprocess.DEVNULL)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "redprop --help": [str(redprop), "--help"],
            f"redprop search {QUERY}": [str(redprop), "search", QUERY, "--home", home],
        }
        medians = median_walls(commands, runs)
    baseline = medians["python -c pass"]
    return [{"command": name, "median_s": round(seconds, 3), "ratio": round(seconds / baseline, 1)}
            for name, seconds in medians.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per command (median reported)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--redprop", type=Path, default=REDPROP, help="the redprop executable to time")
    args = parser.parse_args()
    rows = measure(args.runs, args.redprop)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    print(f"| command | median wall (s, {args.runs} runs) | × python -c pass |")
    print("|---|---:|---:|")
    for row in rows:
        print(f"| `{row['command']}` | {row['median_s']:.3f} | {row['ratio']:.1f} |")


if __name__ == "__main__":
    main()
