"""Result order and collapsing over all matches at once (what Whoosh's sorting and collapse collectors did).

By relevance: highest score first, ties by index order. By date: newest first, then by score, then index
order, so pages never overlap or skip while the index is unchanged. Collapsing keeps the first passage of
each group in that order (a document with its reposts is one result).
"""
from __future__ import annotations

import numpy as np

from index.engine.columns import SearcherColumns


def ranked(columns: SearcherColumns, docnums: np.ndarray, scores: np.ndarray, sort: str,
           collapse: bool) -> np.ndarray:
    """Positions into docnums/scores of the results, best first."""
    if sort == "date":
        order = np.lexsort([docnums, -scores, -columns.date_rank[docnums]])  # the last key is the primary one
    elif np.all(docnums[1:] > docnums[:-1]):  # matches come ascending: a stable sort by score breaks ties alike
        order = np.argsort(-scores, kind="stable")  # (about twice lexsort's speed on a 100k index's matches)
    else:
        order = np.lexsort([docnums, -scores])
    if not collapse:
        return order
    groups = columns.groups.codes[docnums[order]]
    _, first = np.unique(groups, return_index=True)
    return order[np.sort(first)]
