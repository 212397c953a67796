"""The data folder: where the store and the index live, and the lock that serialises writers."""
from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from index.engine import SearchIndex
from index.store import Store

DEFAULT_HOME = "var"


def default_home() -> Path:
    return Path(os.environ.get("REDPROP_HOME") or DEFAULT_HOME)


class Library:
    """Store + index under one folder (`REDPROP_HOME`, default ./var)."""

    def __init__(self, home: Path | str | None = None):
        self.home = Path(home) if home else default_home()
        self.home.mkdir(parents=True, exist_ok=True)

    @cached_property
    def store(self) -> Store:
        return Store(self.home / "redprop.sqlite3")

    @cached_property
    def index(self) -> SearchIndex:
        return SearchIndex(self.home / "index")

    @property
    def write_lock_path(self) -> Path:
        return self.home / "write.lock"
