"""Folding for indexing and matching: full-width → half-width, Traditional → Simplified, lower case.

The folded string always has the same length as the original, so offsets found in folded text point at the
same characters of the original text that we keep for display.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

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
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase rule changed the length: convert character by character to keep offsets aligned.
    return "".join(c if len(c := _T2S.convert(ch)) == 1 else ch for ch in text)


@lru_cache(maxsize=FOLD_CACHE_SIZE)
def fold(text: str) -> str:
    """The form every index and query string goes through. Remembered for the last few texts: ingest folds the
    same passage for its index fields, its places and its cases, and a document for its metadata and signature."""
    return to_simplified(fold_width(text))
