"""A regulation's clauses next to a good match gain a share of its score.

A regulation treats one matter in consecutive 条: the clause that answers a question best is often followed or
preceded by the clauses that continue it (the conditions, then the procedure; the fund, then its emergency use)
in the regulation's own words rather than the user's. Those clauses hold few or none of the question's words and
rank 11th–30th. Each of the best matches therefore passes NEIGHBOUR_SHARE of its score to the clause right before
and right after it in the same regulation, when that clause matches the query too (a clause matching nothing is
not lifted into the list: its neighbour's topic alone is too weak a sign). Only questions (search.py, as for
related terms): a keyword query says what it wants, and its passages rank by what they hold — 业委会 typed before
业主委员会, its synonym, which a strong neighbour's share could otherwise reverse.

Clauses are neighbours in the index as in the text: a document's passages are written in order right after its
record (index/engine/documents.py), so the clauses either side of docnum d are d - 1 and d + 1 when they belong to
the same document. Measured on the dev halves (error analysis: most relevant clauses missing from the top ten ranked
11–30, and a quarter of the misses stood right beside a clause that was in it): docs/search.md.
"""
from __future__ import annotations

import numpy as np

NEIGHBOUR_SHARE = 0.15  # of a clause's score given to each matching clause beside it (dev: 0.1, 0.15, 0.2, 0.25)
NEIGHBOUR_SOURCES = 100  # the best matches that pass a share on: a page's worth and its runners-up
REGULATION_TYPE = "policy"  # doc_type of regulations; news paragraphs next to each other are not clauses


def with_neighbours(columns, docnums: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """`scores` with each of the best matching clauses' neighbours (matching clauses of the same regulation
    either side of it) raised by NEIGHBOUR_SHARE of its score; `docnums` ascending, as matches come."""
    if len(docnums) < 2:
        return scores
    types = columns.values["doc_type"]
    if REGULATION_TYPE not in types.labels:
        return scores
    regulation = types.labels.index(REGULATION_TYPE)
    sources = (np.argpartition(-scores, NEIGHBOUR_SOURCES)[:NEIGHBOUR_SOURCES] if len(scores) > NEIGHBOUR_SOURCES
               else np.arange(len(scores)))  # the best, in no order: each passes its share on alone
    sources = sources[types.codes[docnums[sources]] == regulation]
    raised = scores.copy()
    groups = columns.groups.codes
    for step in (-1, 1):
        targets = docnums[sources] + step
        at = np.minimum(np.searchsorted(docnums, targets), len(docnums) - 1)
        beside = (docnums[at] == targets) & (groups[docnums[at]] == groups[docnums[sources]])
        np.add.at(raised, at[beside], NEIGHBOUR_SHARE * scores[sources[beside]])
    return raised
