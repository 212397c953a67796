"""Folding for indexing and matching: full-width → half-width, Traditional → Simplified, lower case.

The folded string always has the same length as the original, so offsets found in folded text point at the
same characters of the original text that we keep for display.
"""
from __future__ import annotations

import json
import re
import subprocess
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

_T2S = opencc.OpenCC("t2s")
FOLD_CACHE_SIZE = 256
MAX_REMEMBERED_CHARS = 100_000  # a file of every code point must not make each worker hold a million entries


def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        return ch
    lowered = folded.lower()
    return lowered if len(lowered) == 1 else folded  # 'İ'.lower() is two characters


class _WidthTable(dict):
    """code point → its folded character, for str.translate: filled on first sight of each character (ingest
    folds every text several times; a Python call per character was a tenth of a worker's time and a third of a
    search's snippet time)."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < MAX_REMEMBERED_CHARS:
            self[code] = folded
        return folded


_WIDTH = _WidthTable()


def fold_width(text: str) -> str:
    # Most texts folded during ingest are folded already (sentences and windows of a folded passage): a text in
    # NFKC and in lower case has only characters that fold to themselves, and is checked at C speed.
    if unicodedata.is_normalized("NFKC", text) and text.lower() == text:
        return text
    return text.translate(_WIDTH)


def to_simplified(text: str) -> str:
    if _changing is not None and _changing.search(text) is None:
        return text  # no dictionary entry that changes text can match: most text ingested is Simplified already
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase rule changed the length: convert character by character to keep offsets aligned.
    return "".join(c if len(c := _T2S.convert(ch)) == 1 else ch for ch in text)


_changing: re.Pattern | None = None  # bulk work only (`skip_unchanged_text`): `_changing_chars`


def skip_unchanged_text() -> None:
    """Let `to_simplified` pass over text OpenCC would leave as it is, told at C speed (`_changing_chars`, ~0.1 s
    once): bulk work converts millions of characters; a query's few words are not worth the set-up."""
    global _changing
    _changing = _changing_chars()


@lru_cache(maxsize=1)
def _changing_chars() -> re.Pattern | None:
    """A pattern that finds, in any text OpenCC's t2s would change, at least one character: of each entry of the
    dictionaries t2s converts with whose first value differs from the key, the first character that differs (or
    the first, when the lengths differ). An entry matches only where all its characters are, so text without
    these characters comes out of OpenCC unchanged. Characters beyond the BMP (and lone surrogates, which OpenCC
    refuses) are left to OpenCC: with them in the class, the regex engine tests characters one range at a time.
    None (always convert) when OpenCC's dictionaries cannot be read: decoded by its own opencc_dict tool."""
    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    tool = Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"
    try:
        config = json.loads((share / "t2s.json").read_text(encoding="utf-8"))
        found: set[str] = set()
        with tempfile.TemporaryDirectory() as folder:
            for name in _dictionary_files([step["dict"] for step in config["normalization"]
                                           + config["conversion_chain"]]):
                text = Path(folder) / "dictionary.txt"
                subprocess.run([str(tool), "-i", str(share / name), "-o", str(text), "-f", "ocd2", "-t", "text"],
                               check=True, capture_output=True)
                found.update(_first_changed_chars(text.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, subprocess.CalledProcessError):
        return None
    bmp = "".join(sorted(char for char in found if ord(char) <= 0xFFFF))
    return re.compile("[" + re.escape(bmp) + "\ud800-\udfff\U00010000-\U0010ffff]")


def _dictionary_files(dictionaries: list[dict]) -> list[str]:
    """The ocd2 files of OpenCC dictionary entries (groups opened); ValueError for another kind."""
    files = []
    for entry in dictionaries:
        if entry["type"] == "group":
            files += _dictionary_files(entry["dicts"])
        elif entry["type"] == "ocd2":
            files.append(entry["file"])
        else:
            raise ValueError(f"OpenCC dictionary of type {entry['type']}")
    return files


def _first_changed_chars(dictionary: str) -> set[str]:
    """Per line `key<TAB>value value…` whose first value is not the key: the key's first character that differs."""
    chars = set()
    for line in dictionary.splitlines():
        key, values = line.split("\t")
        value = values.split(" ")[0]
        if key != value:
            chars.add(next(k for k, v in zip(key, value) if k != v) if len(key) == len(value) else key[0])
    return chars


@lru_cache(maxsize=FOLD_CACHE_SIZE)
def fold(text: str) -> str:
    """The form every index and query string goes through. Remembered for the last few texts: ingest folds the
    same passage for its index fields, its places and its cases, and a document for its metadata and signature."""
    return to_simplified(fold_width(text))
