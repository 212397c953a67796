"""Parse each file in a worker process with a time and memory limit, so a hostile file cannot hang or sink us.

The workers are also what makes ingest use every core: the caller submits files ahead (`submit`) and
collects them in order (`result`) while it writes earlier ones.

A file that takes longer than `timeout` seconds is abandoned (pebble kills its worker and starts another);
one that needs more than `memory_bytes` of address space gets MemoryError inside the worker (RLIMIT_AS), or
kills it. Either way that file fails with a clear reason and the batch goes on. Workers come from a
forkserver, never from forking the caller, which may be a multi-threaded web server.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import resource
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self, TypeVar

from pebble import ProcessExpired, ProcessPool

from ingest.errors import IngestError, LimitExceeded, ParseError

T = TypeVar("T")
MIB = 2**20
DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_MEMORY_BYTES = 1024 * MIB
MAX_DEFAULT_WORKERS = 4
# Allocations between the collector's youngest passes (CPython's default: 700). Bulk work allocates and frees
# millions of small objects by reference counting; at 700 the collector walked them again and again.
BULK_GC_THRESHOLD = 10_000


@dataclass(frozen=True)
class ParseLimits:
    """Per-file limits; the service's come from its settings (REDPROP_PARSE_TIMEOUT, REDPROP_PARSE_MEMORY_BYTES)."""

    timeout: float = DEFAULT_TIMEOUT_SECONDS
    memory_bytes: int | None = DEFAULT_MEMORY_BYTES


def _start_worker(budget: int | None, niceness: int) -> None:
    """Worker initializer: lower the worker's CPU priority by `niceness`, cap its memory, and set the collector
    for bulk work with what the forkserver loaded set aside (a worker's life is bulk work)."""
    if niceness:
        os.nice(niceness)
    _limit_memory(budget)
    _collect_as_bulk_work()


@contextmanager
def bulk_collection() -> Iterator[None]:
    """The garbage collector set for bulk work while the block runs (the writer's side of an ingest).

    Every full pass of the collector walks every container object the process holds, though what was loaded
    before the work (modules, dictionaries, tables) never becomes garbage: over a 30k-document ingest the
    writer's 52 full passes took 7.9 CPU s and the segment worker's 200 took 7.3 s (a one-off count with
    gc.callbacks). Frozen (gc.freeze), those objects are skipped; the youngest passes run every BULK_GC_THRESHOLD
    allocations. Both are undone after, so a long-running caller (the server) collects as before."""
    gc.collect()
    thresholds = _collect_as_bulk_work()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _collect_as_bulk_work() -> tuple[int, int, int]:
    """Freeze what the process holds now and run the youngest passes every BULK_GC_THRESHOLD allocations;
    returns the thresholds before."""
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(BULK_GC_THRESHOLD, *thresholds[1:])
    return thresholds


def _limit_memory(budget: int | None) -> None:
    """Cap the address space at what the worker uses now plus `budget`."""
    if not budget:
        return
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = in_use + budget
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def default_workers() -> int:
    """One worker per core (at most MAX_DEFAULT_WORKERS), unless the caller asks for a number (REDPROP_INGEST_WORKERS)."""
    return min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS)


class ParseGuard:
    """A small pool of parse workers; `run(fn, path, data)` returns fn's result or raises an IngestError."""

    def __init__(self, limits: ParseLimits, workers: int | None = None, preload: list[str] | None = None,
                 niceness: int = 0):
        """`preload`: modules the forkserver imports once, so every worker starts with them loaded; `niceness`:
        how much lower than the caller's the workers' CPU priority is (os.nice)."""
        self.limits = limits
        self.workers = workers or default_workers()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(preload or ["ingest.parsers"])
        self.pool = ProcessPool(max_workers=self.workers, initializer=_start_worker,
                                initargs=(limits.memory_bytes, niceness),
                                context=context)

    def run(self, fn: Callable[..., T], path: Path, data: bytes, *args) -> T:
        return self.result(self.submit(fn, path, data, *args), path)

    def submit(self, fn: Callable[..., T], path: Path, data: bytes, *args) -> Future:
        """Start fn(path, data, *args) in a worker; collect it with result()."""
        return self.pool.schedule(fn, args=(path, data, *args), timeout=self.limits.timeout)

    def call(self, fn: Callable[..., T], *args) -> Future:
        """Start fn(*args) in a worker, under the same limits: work for the workers that is not one file (writing
        a batch's index segments). A failure comes out of the future as raised (pebble's errors for a time-out
        or a dead worker), for the caller to handle."""
        return self.pool.schedule(fn, args=args, timeout=self.limits.timeout)

    def result(self, future: Future, path: Path) -> T:
        """The submitted call's result, or an IngestError naming `path`."""
        try:
            return future.result()
        except IngestError:
            raise
        except FutureTimeout:
            raise LimitExceeded(str(path), f"解析超时(超过 {self.limits.timeout:g} 秒),已中止") from None
        except MemoryError:
            raise LimitExceeded(str(path), f"解析所需内存超过限制({self._memory_mib()} MB)") from None
        except ProcessExpired as error:
            raise ParseError(str(path), f"解析进程异常退出(退出码 {error.exitcode},可能超出内存限制 "
                                        f"{self._memory_mib()} MB)") from None

    def _memory_mib(self) -> str:
        return f"{self.limits.memory_bytes // MIB}" if self.limits.memory_bytes else "无"

    def close(self) -> None:
        self.pool.stop()
        self.pool.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
