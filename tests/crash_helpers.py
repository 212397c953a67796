"""A generated corpus and helpers to run and watch a real `redprop ingest` subprocess (crash and concurrency tests)."""
from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REDPROP = str(Path(sys.executable).parent / "redprop")
COMMON_WORD = "议事协商"


def write_corpus(folder: Path, files: int, start: int = 0) -> Path:
    """`files` distinct small briefings, each with COMMON_WORD, a unique marker and several passages."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(start, start + files):
        lines = [f"第{number}号社区简报"]
        lines += [f"第{number}号小区召开{COMMON_WORD}会,编号{number}的第{part}段记录社区党委牵头、物业企业和业主委员会"
                  f"共同解决停车与加装电梯问题。" for part in range(1, 5)]
        (folder / f"brief-{number:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def redprop(*args: str, home: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([REDPROP, *args, "--home", str(home)], capture_output=True, text=True, timeout=timeout,
                          check=False, env=os.environ | {"PYTHONUNBUFFERED": "1"})


def start_ingest(folder: Path, home: Path) -> subprocess.Popen:
    """`redprop ingest --json` in the background; its messages go to `process.log` (a file: a pipe nobody reads
    fills up and stalls the ingest after a few hundred files)."""
    log = home.parent / f"{home.name}-ingest.log"
    with open(log, "w", encoding="utf-8") as output:
        process = subprocess.Popen([REDPROP, "ingest", str(folder), "--home", str(home), "--json"], stdout=output,
                                   stderr=subprocess.STDOUT)
    process.log = log
    return process


def stored_files(home: Path) -> int:
    database = home / "redprop.sqlite3"
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM files").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def index_writer_busy(home: Path) -> bool:
    """True while some process holds the Whoosh index's write lock (an OS lock: dies with its holder)."""
    lock = home / "index" / "MAIN_WRITELOCK"
    if not lock.exists():
        return False
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def staged_segments(home: Path) -> int:
    """Segments ingest's workers have finished in the index's staging area and the writer has not adopted."""
    return len(list((home / "index" / "staging").glob("*/*.seg")))


def index_generation(home: Path) -> int:
    """The newest committed Whoosh generation (its table-of-contents file), -1 before the first commit."""
    generations = [int(toc.stem.rsplit("_", 1)[1]) for toc in (home / "index").glob("_MAIN_*.toc")]
    return max(generations, default=-1)


def wait_for(condition, process: subprocess.Popen, timeout: float = 120, interval: float = 0.005) -> bool:
    """Poll `condition` until it holds (True) or the process ends or time runs out (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(interval)
    return False


def search_json(home: Path, query: str) -> dict:
    result = redprop("search", query, "--json", "--limit", "100", home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
