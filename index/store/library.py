"""The data folder: where the store and the index live, and the lock that serialises writers (who alone
migrate the store: index/store/migrations.py)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from filelock import FileLock, Timeout

from index.engine.search_index import SearchIndex
from index.store.migrations import LATEST
from index.store.store import Store

DEFAULT_HOME = "var"
WAIT_MESSAGE = "另一个写入任务(导入/删除/重建索引)正在进行,等待其结束…"


class WriteLockTimeout(Exception):
    """Another writer held the data folder for longer than we were willing to wait."""

    def __init__(self, home: Path, waited: float):
        super().__init__(f"{home}: 另一个写入任务正在进行,等待 {waited:g} 秒后仍未结束,请稍后重试")
        self.message = str(self)


class Library:
    """Store + index under one folder (the CLI and the app pass `REDPROP_HOME`, default ./var)."""

    def __init__(self, home: Path | str | None = None):
        self.home = Path(home or DEFAULT_HOME)  # created by the first writer (`writing`), never by a reader

    @cached_property
    def store(self) -> Store:
        return Store(self.home / "redprop.sqlite3")

    @cached_property
    def index(self) -> SearchIndex:
        return SearchIndex(self.home / "index")

    @property
    def write_lock_path(self) -> Path:
        return self.home / "write.lock"

    @contextmanager
    def writing(self, wait: float, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the data folder's write lock (an OS file lock: a killed writer never leaves it held).

        If another writer has it, `on_wait` hears WAIT_MESSAGE once, then we wait up to `wait` seconds.
        """
        self.home.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.write_lock_path)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait:
                on_wait(WAIT_MESSAGE)
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise WriteLockTimeout(self.home, wait) from None
        try:
            self.store.migrate()  # schema changes happen here, under the lock, and nowhere a reader goes
            yield
        finally:
            lock.release()

    def prepare_store(self, wait: float) -> bool:
        """At a writer's start-up (the server): migrate the store if it is missing or older, under the write
        lock. Returns whether anything had to be done."""
        if self.store.schema_version() == LATEST:
            return False
        with self.writing(wait):
            pass
        return True
