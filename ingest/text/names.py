"""File names as text. A file system holds bytes: a name from a Windows zip is often GBK, not UTF-8, and
Python hands such bytes over as lone surrogates (PEP 383), which SQLite, JSON and the terminal all refuse.

`shown()` is what people read (each undecodable byte becomes U+FFFD); `stored()` is the store's key for a file,
bytes-safe and distinct per name (each undecodable byte becomes a `\\xNN` escape).
"""
from __future__ import annotations

import os

REPLACEMENT = "\ufffd"


def _raw(name: str | os.PathLike) -> bytes:
    return os.fsencode(name)


def shown(name: str | os.PathLike) -> str:
    """The name or message as readable text: undecodable bytes appear as U+FFFD."""
    return _raw(name).decode("utf-8", "replace")


def stored(name: str | os.PathLike) -> str:
    """The name as text that keeps every byte apart: undecodable bytes appear as `\\xNN`."""
    return _raw(name).decode("utf-8", "backslashreplace")
