"""The synonym table (data/synonyms.txt): colloquial, statutory and variant names of one thing.

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
ONE_WAY = "=>"


def parse_synonyms(lines: list[str]) -> dict[str, tuple[str, ...]]:
    """`a = b = c` groups (each finds the others) and `a => b, c` rules (a finds b and c) → word → synonyms."""
    table: dict[str, list[str]] = {}

    def add(word: str, others: list[str]) -> None:
        known = table.setdefault(word, [])
        known.extend(other for other in others if other != word and other not in known)

    for line in lines:
        if ONE_WAY in line:
            source, _, targets = line.partition(ONE_WAY)
            add(fold(source.strip()), [fold(t.strip()) for t in targets.split(",") if t.strip()])
        else:
            group = [fold(part.strip()) for part in line.split(EQUIVALENT) if part.strip()]
            for word in group:
                add(word, group)
    return {word: tuple(others) for word, others in table.items() if others}


@lru_cache(maxsize=4)
def synonym_table(path: Path = SYNONYMS_FILE) -> dict[str, tuple[str, ...]]:
    return parse_synonyms(read_word_list(path)) if path.exists() else {}


def synonym_words() -> set[str]:
    """Every form the table names; the segmenter keeps each one whole."""
    table = synonym_table()
    return set(table) | {word for others in table.values() for word in others}


def synonyms_of(word: str) -> tuple[str, ...]:
    """Other names for `word` (folded), empty when the table has none."""
    return synonym_table().get(fold(word), ())
