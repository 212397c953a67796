"""Query suggestions: indexed words and document titles that start with (or, for titles, contain) what was typed.

Words come from the index, not from the dictionary alone, so every suggestion finds something; they are
ranked by how many passages use them.
"""
from __future__ import annotations

from index.store.library import Library
from ingest.text.fold import fold

SUGGEST_FIELDS = ("title", "heading", "body")
MAX_SUGGESTIONS = 10


def suggest(library: Library, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[dict]:
    folded = fold(prefix.strip())
    if not folded:
        return []
    counts: dict[str, int] = {}
    if library.index.exists():
        with library.index.live_searcher() as searcher:
            reader = searcher.reader()
            for name in SUGGEST_FIELDS:
                for raw in reader.expand_prefix(name, folded):
                    word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                    if word != folded:
                        counts[word] = max(counts.get(word, 0), reader.doc_frequency(name, word))
    words = sorted(counts, key=lambda w: (-counts[w], len(w), w))[:limit]
    suggestions = [{"text": w, "kind": "term", "count": counts[w]} for w in words]
    titles = [
        title for (title,) in library.store.db.execute("SELECT DISTINCT title FROM documents ORDER BY title")
        if folded in fold(title)
    ]
    titles.sort(key=lambda t: (not fold(t).startswith(folded), len(t)))
    suggestions += [{"text": t, "kind": "title", "count": None} for t in titles[: max(0, limit - len(words))]]
    return suggestions[:limit]
