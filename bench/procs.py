"""Measuring other processes: peak memory of a process tree, sampled from /proc while it runs."""
from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Self

# Reading smaps_rollup walks every mapping of a process (Whoosh maps its segment files): at 0.1 s the sampler
# took ~40% of a core during a 100k ingest, on a 2-core machine. Memory moves slowly; 0.5 s is enough.
SAMPLE_SECONDS = 0.5


def tree_pids(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue += [int(child) for child in task.read_text().split()]
            except OSError:
                pass
    return pids


def tree_pss(pid: int) -> int:
    """Proportional set size of the tree: pages shared between its processes (forked workers, mmapped index
    segments mapped by several searchers) are counted once, not once per mapping as RSS would."""
    total = 0
    for member in tree_pids(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except (OSError, IndexError, ValueError):
            pass
    return total


def cpu_ticks(pid: int) -> int:
    """User + system CPU clock ticks a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


class PeakMemory:
    """Samples a process and its descendants in a background thread: `.peak` memory (PSS, bytes) and
    `.cpu_seconds` (the last CPU reading of every process seen; worker processes started through a
    forkserver are not the measured process's children, so rusage of children would miss them)."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.peak = 0
        self._ticks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set() and self.process.poll() is None:
            self.peak = max(self.peak, tree_pss(self.process.pid))
            for pid in tree_pids(self.process.pid):
                try:
                    self._ticks[pid] = cpu_ticks(pid)
                except (OSError, IndexError, ValueError):
                    pass
            time.sleep(SAMPLE_SECONDS)

    @property
    def cpu_seconds(self) -> float:
        return sum(self._ticks.values()) / os.sysconf("SC_CLK_TCK")

    def cpu_seconds_of(self, pid: int) -> float:
        """The last CPU reading of one process of the tree (e.g. the measured process itself)."""
        return self._ticks.get(pid, 0) / os.sysconf("SC_CLK_TCK")


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file())


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
