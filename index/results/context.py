"""What a hit shows around its passage: the neighbouring passages and the other sources of a repost."""
from __future__ import annotations

from index.store.store import Store


def neighbours(store: Store, doc_id: str, ordinal: int) -> dict[str, dict | None]:
    """The passages just before and after, so a reader can widen the view without opening the document."""
    rows = store.db.execute(
        "SELECT passage_id, ordinal, clause, text FROM passages WHERE doc_id = ? AND ordinal IN (?, ?)",
        (doc_id, ordinal - 1, ordinal + 1),
    ).fetchall()
    by_ordinal = {row["ordinal"]: dict(row) for row in rows}
    return {"prev": by_ordinal.get(ordinal - 1), "next": by_ordinal.get(ordinal + 1)}


def group_members(store: Store, group_id: str, shown_doc_id: str) -> list[dict]:
    """The other documents of a repost group (same canonical_id, or the canonical one itself)."""
    rows = store.db.execute(
        "SELECT doc_id, title, source, date FROM documents WHERE (doc_id = ? OR canonical_id = ?) AND doc_id != ? "
        "ORDER BY date, source",
        (group_id, group_id, shown_doc_id),
    ).fetchall()
    return [dict(row) for row in rows]
