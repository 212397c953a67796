"""The related terms learned from the corpus (index/write/related_terms.py learns them): the table's rows, written
whole when learned again and read by query expansion (index/results/related.py) and `redprop analyze`."""
from __future__ import annotations

from dataclasses import dataclass

from index.store.store import Store

GENERATION_KEY = "related_terms_generation"  # meta: the index generation the table was learned from
PASSAGES_KEY = "related_terms_passages"  # meta: how many passages the index held then


@dataclass(frozen=True)
class Related:
    word: str
    related: str
    score: float  # NPMI
    documents: int  # document groups in which the two share a passage


def save(store: Store, relations: list[Related], learned_from: str, passages: int) -> None:
    with store.transaction() as db:
        db.execute("DELETE FROM related_terms")
        db.executemany("INSERT INTO related_terms(word, related, score, documents) VALUES (?, ?, ?, ?)",
                       [(r.word, r.related, r.score, r.documents) for r in relations])
        store.set_meta(GENERATION_KEY, learned_from, db)
        store.set_meta(PASSAGES_KEY, str(passages), db)


def learned_from(store: Store) -> str | None:
    return store.get_meta(GENERATION_KEY)


def learned_passages(store: Store) -> int | None:
    """How many passages the index held when the table was learned (None: not recorded, or never learned)."""
    value = store.get_meta(PASSAGES_KEY)
    return int(value) if value else None


def related_terms(store: Store, words: list[str]) -> dict[str, list[Related]]:
    """word → its related terms, strongest first (words with none are left out)."""
    words = list(dict.fromkeys(words))
    if not words:
        return {}
    marks = ",".join("?" * len(words))
    rows = store.db.execute(f"SELECT word, related, score, documents FROM related_terms WHERE word IN ({marks}) "
                            "ORDER BY word, score DESC, related", words).fetchall()
    found: dict[str, list[Related]] = {}
    for word, related, score, documents in rows:
        found.setdefault(word, []).append(Related(word, related, score, documents))
    return found

