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
    return sum(sizes["Pss"] for sizes in pss_by_pid(pid).values())


def pss_by_pid(pid: int) -> dict[int, dict[str, int]]:
    """Each process of the tree's proportional set size (bytes): "Pss", and its parts "Pss_Anon" (the heap:
    what the process holds) and "Pss_File" (pages of mapped files it has touched, e.g. Whoosh's segments, which
    the kernel can drop and read again)."""
    sizes = {}
    for member in tree_pids(pid):
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        fields = {}
        for line in rollup:
            name, _, value = line.partition(":")
            if name in ("Pss", "Pss_Anon", "Pss_File"):
                fields[name] = int(value.split()[0]) * 1024
        if "Pss" in fields:
            sizes[member] = fields
    return sizes


def process_role(pid: int, root: int) -> str:
    """What a process of an ingest tree is: "main" (the measured process), "forkserver" (multiprocessing's),
    or "worker" (started by the forkserver: parse workers, then the segment writer, in the order first seen)."""
    if pid == root:
        return "main"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return "?"
    if b"resource_tracker" in command:
        return "resource_tracker"
    return "forkserver" if parent == root and b"forkserver" in command else "worker"


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
        self.peaks: dict[int, dict[str, int]] = {}  # pid → its own peak Pss, Pss_Anon, Pss_File (bytes)
        self.roles: dict[int, str] = {}  # pid → process_role
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
            sizes = pss_by_pid(self.process.pid)
            self.peak = max(self.peak, sum(fields["Pss"] for fields in sizes.values()))
            for pid, fields in sizes.items():
                peaks = self.peaks.setdefault(pid, {})
                for name, size in fields.items():
                    peaks[name] = max(peaks.get(name, 0), size)
                if pid not in self.roles:
                    self.roles[pid] = process_role(pid, self.process.pid)
            for pid in sizes:
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

    def by_process(self) -> list[dict]:
        """Per process, in the order first seen: its role, its own peak PSS (MB; each part's own peak, so the parts
        need not add up to the whole) and CPU seconds."""
        return [{"pid": pid, "role": self.roles.get(pid, "?"),
                 **{f"peak_{name.lower()}_mb": round(size / 2**20, 1) for name, size in peaks.items()},
                 "cpu_seconds": round(self.cpu_seconds_of(pid), 1)} for pid, peaks in self.peaks.items()]


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in Path(folder).rglob("*") if path.is_file())


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
