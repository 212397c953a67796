"""Folding for indexing and matching: full-width → half-width, Traditional → Simplified, lower case.

The folded string always has the same length as the original, so offsets found in folded text point at the
same characters of the original text that we keep for display.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        return ch
    lowered = folded.lower()
    return lowered if len(lowered) == 1 else folded  # 'İ'.lower() is two characters


def fold_width(text: str) -> str:
    return "".join(_fold_char(ch) for ch in text)


def to_simplified(text: str) -> str:
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase rule changed the length: convert character by character to keep offsets aligned.
    return "".join(c if len(c := _T2S.convert(ch)) == 1 else ch for ch in text)


def fold(text: str) -> str:
    """The form every index and query string goes through."""
    return to_simplified(fold_width(text))
