"""The parse guard: a file whose parser hangs or eats memory fails clearly; the next file is still parsed."""
from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest

from ingest.errors import LimitExceeded, ParseError
from ingest.guard import BULK_GC_THRESHOLD, ParseGuard, ParseLimits, bulk_collection


def hang(path: Path, data: bytes) -> list:
    time.sleep(3600)
    return []


def gobble(path: Path, data: bytes) -> list:
    hoard = []
    while True:
        hoard.append(bytearray(64 * 2**20))


def fail_clearly(path: Path, data: bytes) -> list:
    raise ParseError(str(path), "格式损坏")


def echo(path: Path, data: bytes) -> list:
    return [path.name, data.decode()]


def test_a_hanging_parser_is_stopped_and_the_next_file_parses():
    with ParseGuard(ParseLimits(timeout=1.0)) as guard:
        started = time.monotonic()
        with pytest.raises(LimitExceeded) as raised:
            guard.run(hang, Path("slow.txt"), b"")
        assert time.monotonic() - started < 10
        assert "slow.txt" in str(raised.value) and "超时" in str(raised.value)
        assert guard.run(echo, Path("next.txt"), "正文".encode()) == ["next.txt", "正文"]


def test_memory_hungry_parser_fails_with_the_limit_named():
    with ParseGuard(ParseLimits(timeout=30, memory_bytes=256 * 2**20)) as guard:
        with pytest.raises((LimitExceeded, ParseError)) as raised:
            guard.run(gobble, Path("huge.docx"), b"")
        assert "huge.docx" in str(raised.value) and "256" in str(raised.value)
        assert guard.run(echo, Path("after.txt"), b"ok") == ["after.txt", "ok"]


def test_parse_errors_come_back_intact():
    with ParseGuard(ParseLimits(timeout=10)) as guard, pytest.raises(ParseError) as raised:
        guard.run(fail_clearly, Path("bad.pdf"), b"")
    assert raised.value.path == "bad.pdf" and raised.value.reason == "格式损坏"


def niceness(path: Path, data: bytes) -> int:
    return os.nice(0)


def test_workers_can_run_at_a_lower_cpu_priority_than_the_caller():
    """Ingest's parse workers yield the CPU to the writer, the serial part every batch passes through."""
    guard = ParseGuard(ParseLimits(timeout=30), workers=1, niceness=3)
    try:
        assert guard.run(niceness, Path("x.txt"), b"") == os.nice(0) + 3
    finally:
        guard.close()


def collector_state(path: Path, data: bytes) -> tuple:
    return gc.get_threshold()[0], gc.get_freeze_count() > 0


def test_workers_collect_garbage_as_bulk_work_does():
    """A worker's life is bulk work: the collector skips what the forkserver loaded and runs its youngest passes
    less often (the writer's side is bulk_collection)."""
    guard = ParseGuard(ParseLimits(timeout=30), workers=1)
    try:
        assert guard.run(collector_state, Path("x.txt"), b"") == (BULK_GC_THRESHOLD, True)
    finally:
        guard.close()


def test_bulk_collection_gives_the_caller_its_collector_back_even_after_an_error():
    """A server that ingests an upload goes on collecting as before."""
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), bulk_collection():
        assert gc.get_threshold()[0] == BULK_GC_THRESHOLD and gc.get_freeze_count() > 0
        raise RuntimeError("ingest failed")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
