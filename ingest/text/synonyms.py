"""The synonym table (data/synonyms.txt): groups of forms that name the same thing, the standard form first.

Queries are expanded with it, so the index keeps the text as written. But every form it names is also added to
the segmenter (synonym_words), which changes how stored text is cut into words: an edit makes the index and
the cases stale, and `redprop check` says so until the next `redprop ingest` rebuilds them (ingest/datafiles.py).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingest.text.fold import fold
from ingest.text.wordlists import DATA_DIR, read_word_list

SYNONYMS_FILE = DATA_DIR / "synonyms.txt"
EQUIVALENT = "="
RETIRED_ONE_WAY = "=>"  # a one-way rule (a → b) said "b is related", not "b is a": related terms do that now


class SynonymFileError(ValueError):
    """A line of the synonym table that is not a group of equivalent forms."""


def parse_groups(lines: list[str], source: Path | str = SYNONYMS_FILE) -> list[tuple[str, ...]]:
    """`standard = other = other` lines → groups of folded forms, the standard form first."""
    groups = []
    for line in lines:
        if RETIRED_ONE_WAY in line:
            raise SynonymFileError(f"{source}: “{line}”:同义词表只收等价的名称(标准形式 = 其他形式),"
                                   "不再支持单向规则 =>;相关而不等价的词由语料自动学习")
        group = tuple(dict.fromkeys(fold(part.strip()) for part in line.split(EQUIVALENT) if part.strip()))
        if len(group) < 2:
            raise SynonymFileError(f"{source}: “{line}”:一行应列出至少两个等价形式,用 = 分隔,标准形式在前")
        groups.append(group)
    return groups


def parse_synonyms(lines: list[str]) -> dict[str, tuple[str, ...]]:
    """word → the other forms of its group (each form finds the others)."""
    return _table(parse_groups(lines))


def _table(groups: list[tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for group in groups:
        for word in group:
            known = table.setdefault(word, [])
            known.extend(other for other in group if other != word and other not in known)
    return {word: tuple(others) for word, others in table.items()}


@lru_cache(maxsize=4)
def synonym_groups(path: Path = SYNONYMS_FILE) -> tuple[tuple[str, ...], ...]:
    return tuple(parse_groups(read_word_list(path), path)) if path.exists() else ()


def synonym_table(path: Path = SYNONYMS_FILE) -> dict[str, tuple[str, ...]]:
    return _cached_table(synonym_groups(path))


@lru_cache(maxsize=4)
def _cached_table(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    return _table(list(groups))


def synonym_words() -> set[str]:
    """Every form the table names; the segmenter keeps each one whole."""
    return {word for group in synonym_groups() for word in group}


def synonyms_of(word: str) -> tuple[str, ...]:
    """Other names for `word` (folded), empty when the table has none."""
    return synonym_table().get(fold(word), ())


def standard_form(word: str) -> str | None:
    """The standard form of the group naming `word` (itself when it is the standard), None outside the table."""
    folded = fold(word)
    return next((group[0] for group in synonym_groups() if folded in group), None)
