"""Start-up time of the command line: `redprop --help` and `redprop search` on the sample corpus.

Each command runs N times in a fresh process; the table gives the median wall time and its ratio to
`python -c pass` measured in the same run (the interpreter's own start-up, the floor no CLI can beat), so figures
from a loaded or a fast machine compare. The sample corpus (corpus/) is ingested once into a temporary folder.
The commands run as an installed copy would, with bytecode caching on (where PYTHONDONTWRITEBYTECODE is set, every
run would compile the project's modules again); the warm-up round writes the bytecode and the segmenter's
dictionary files (ingest/text/dictionary.py) that the timed runs read.

    python -m bench.startup [--runs 15] [--json] [--redprop PATH] [--before PATH]
        (--before: another checkout's entry point, run in the same rounds for a before/after table)
"""
from __future__ import annotations

import argparse
import json
import os
import resource
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


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of `command`. CPU time barely moves with the load
    of a shared machine, where wall time can double."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def medians(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each command. Runs interleave (one of each per round, after a warm-up round
    for the page cache, the bytecode and the segmenter's dictionary files), so a load that comes and goes on a
    shared machine weighs on the baseline as on the commands and the ratios stay comparable."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for round_ in range(runs + 1):
        for name, command in commands.items():
            measured = timed(command)
            if round_:
                times[name].append(measured)
    return {name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
            for name, values in times.items()}


def measure(runs: int, redprop: Path = REDPROP, before: Path | None = None) -> list[dict]:
    """Rows of the table; with `before` (another checkout's redprop), its commands run in the same rounds."""
    versions = {"": redprop} if before is None else {"before: ": before, "after: ": redprop}
    with tempfile.TemporaryDirectory(prefix="redprop-startup-") as folder:
        commands = {"python -c pass": [sys.executable, "-c", "pass"]}
        for label, executable in versions.items():
            home = str(Path(folder) / f"home{len(commands)}")  # each version ingests with its own index format
            subprocess.run([str(executable), "ingest", str(ROOT / "corpus"), "--home", home, "--json"], check=True,
                           stdout=subprocess.DEVNULL)
            commands[f"{label}redprop --help"] = [str(executable), "--help"]
            commands[f"{label}redprop search {QUERY}"] = [str(executable), "search", QUERY, "--home", home]
        measured = medians(commands, runs)
    wall_base, cpu_base = measured["python -c pass"]
    return [{"command": name, "median_s": round(wall, 3), "ratio": round(wall / wall_base, 1),
             "cpu_s": round(cpu, 3), "cpu_ratio": round(cpu / cpu_base, 1)}
            for name, (wall, cpu) in measured.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per command (median reported)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--redprop", type=Path, default=REDPROP, help="the redprop executable to time")
    parser.add_argument("--before", type=Path, default=None,
                        help="another checkout's redprop, timed in the same rounds for a before/after table")
    args = parser.parse_args()
    rows = measure(args.runs, args.redprop, args.before)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    print(f"| command | median wall (s, {args.runs} runs) | × python -c pass | median CPU (s) | × python -c pass |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        print(f"| `{row['command']}` | {row['median_s']:.3f} | {row['ratio']:.1f} | {row['cpu_s']:.3f} "
              f"| {row['cpu_ratio']:.1f} |")


if __name__ == "__main__":
    main()
