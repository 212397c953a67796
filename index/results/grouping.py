"""Grouped results: a document's best passage, with its further passages that score close to it shown under it.

One hit per document hides answers (a regulation's second relevant clause never shows); every passage buries
the other documents under one long article. Grouping shows the best passage of each document (a document with
its reposts is one group) and, indented under it, up to `per_doc - 1` more of its passages when they score
close to the best one. Every shown passage is an entry: a page's ten answers are ten entries.

Regulations are grouped like every other document. One clause per regulation (`per_doc=1`) hid answers: on the
dev halves (`redprop eval --split dev --unit grouped`, and with `--corpus ../shared/policy-samples`) recall@10 was
0.812 and 0.416 with it, 0.852 and 0.495 without. The side-by-side view of many regulations, one row each, is
`redprop compare` (index/compare/matrix.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.engine.columns import SearcherColumns

# A further passage is shown under its document's best when it scores at least this share of the best (a passage
# far below is a passing mention, and the next document's best answers the question better), or when it is among
# the FLAT_TOP best passages of all (see below). Chosen on the dev half (`redprop eval --split dev --unit grouped`):
# 0.5/0.6/0.7/0.8 gave recall@10 .829/.826/.792/.777 (one passage per document: .741); 0.6 keeps the gain and
# lists more documents than 0.5.
CLOSE_SCORE_RATIO = 0.6
# Grouping never hides a passage the ungrouped list shows among its first ten: a regulation's second answering
# clause can score below CLOSE_SCORE_RATIO of a best that repeats every word of the question (装修 clauses at 0.2 of
# the one on 装饰装修) and still outscore other documents' bests. Measured on the dev halves with idf-weighted
# coordination and feedback off, grouped recall@10 without / with it: fixtures .852 / .893, policy samples
# .509 / .559 (a lower CLOSE_SCORE_RATIO instead, 0.4: .882 / .551). A constant, not the page size, so that page 2
# continues page 1.
FLAT_TOP = 10
DEFAULT_PER_DOC = 3  # passages shown per document, the best one included ("up to 3", as web search does)
MAX_PER_DOC = 10  # a page's worth: more than that is the unfolded list (collapse=false)


@dataclass
class Grouped:
    """Positions (into the matches' docnums/scores) of every shown entry in display order; for each, the
    position it is shown under (-1: a document's best) and, for a best, how many further matching passages
    of its document are not shown (0 for a grouped entry)."""

    positions: np.ndarray
    leaders: np.ndarray
    more: np.ndarray

    def first(self, stop: int) -> Grouped:
        """The first `stop` entries."""
        return Grouped(self.positions[:stop], self.leaders[:stop], self.more[:stop])


def grouped(columns: SearcherColumns, docnums: np.ndarray, scores: np.ndarray, order: np.ndarray,
            per_doc: int | None, flat_score: float | None = None) -> Grouped:
    """`order`: every match, best first (or every match of some groups: see `grouped_page`). `per_doc`: at most this
    many passages per document (None: DEFAULT_PER_DOC). `flat_score`: the FLAT_TOP-th best score of all the matches
    (None: read from `order`, which then holds them all)."""
    if not len(order):
        empty = np.zeros(0, dtype=np.int64)
        return Grouped(empty, empty, empty)
    ranked_docs = docnums[order]
    groups = columns.groups.codes[ranked_docs]
    # Each match's rank within its group (0: the group's best) and the position in `order` of that best.
    by_group = np.argsort(groups, kind="stable")  # by group, each group's matches in `order`'s order
    sorted_groups = groups[by_group]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    run_lengths = np.diff(np.r_[starts, len(order)])
    run_starts = np.repeat(starts, run_lengths)
    rank = np.empty(len(order), dtype=np.int64)
    rank[by_group] = np.arange(len(order)) - run_starts
    first = np.empty(len(order), dtype=np.int64)
    first[by_group] = by_group[run_starts]  # index in `order` of the group's best
    best_scores = scores[order][first]
    limit = DEFAULT_PER_DOC if per_doc is None else per_doc
    # Passages of a repost duplicate the original's: only the canonical document's passages are grouped.
    same_document = columns.canonical[ranked_docs] & columns.canonical[ranked_docs[first]]
    ranked_scores = scores[order]
    if flat_score is None:
        flat_score = ranked_scores[min(FLAT_TOP, len(order)) - 1]
    close = (ranked_scores >= CLOSE_SCORE_RATIO * best_scores) | (ranked_scores >= flat_score)
    shown = (rank == 0) | ((rank < limit) & same_document & close)
    kept = np.flatnonzero(shown)
    kept = kept[np.lexsort((rank[kept], first[kept]))]  # groups in order of their best, members by rank
    group_size = np.bincount(first, minlength=len(order))
    shown_count = np.bincount(first[kept], minlength=len(order))
    is_best = rank[kept] == 0
    more = np.where(is_best, group_size[first[kept]] - shown_count[first[kept]], 0)
    leaders = np.where(is_best, -1, order[first[kept]])
    return Grouped(order[kept], leaders, more)


def grouped_page(columns: SearcherColumns, docnums: np.ndarray, scores: np.ndarray, per_doc: int | None,
                 stop: int) -> tuple[Grouped, int]:
    """The first `stop` entries of `grouped` over the matches in relevance order (score, then docnum), and how many
    entries it lists in all, without ordering every match: a common word's page sorted 160k matches twice (by
    score, then by group) for ten entries. The page's entries come from the `stop` groups with the best bests, so
    only their matches are ordered; the count needs, per group, only the passages close enough to its best to be
    shown, and every passage ranked above one of them is close too."""
    if len(docnums) <= stop * MAX_PER_DOC:
        order = _relevance_order(docnums, scores, np.arange(len(docnums)))
        entries = grouped(columns, docnums, scores, order, per_doc)
        return entries.first(stop), len(entries.positions)
    groups = columns.groups.codes[docnums]
    best = group_bests(columns, groups, scores)
    flat_score = kth_highest(scores, FLAT_TOP)  # there are more matches than that here
    # The page: every match of the groups whose best reaches the stop-th best group's (ties: all of them).
    page = _relevance_order(docnums, scores, np.flatnonzero(best[groups] >= kth_highest(best, stop)))
    entries = grouped(columns, docnums, scores, page, per_doc, flat_score)
    # The count: a group's best, and its further passages that are close, of its document and among its per_doc best.
    best_of_match = best[groups]
    close = (scores >= CLOSE_SCORE_RATIO * best_of_match) | (scores >= flat_score) | (scores == best_of_match)
    total = _entries_count(columns, docnums[close], scores[close], groups[close],
                           DEFAULT_PER_DOC if per_doc is None else per_doc)
    return entries.first(stop), total


def group_bests(columns: SearcherColumns, groups: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Each group's best score among matches of these `groups` (group codes) and `scores`; -inf where none."""
    best = np.full(len(columns.groups.labels), -np.inf)
    np.maximum.at(best, groups, scores)
    return best


def kth_highest(values: np.ndarray, k: int) -> float:
    """The k-th highest of `values`, -inf ones not counted (-inf with fewer than k)."""
    found = values[np.isfinite(values)]
    return float(np.partition(found, -k)[-k]) if len(found) >= k else -np.inf


def _relevance_order(docnums: np.ndarray, scores: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """`positions` best first: by score, ties by docnum (as index/results/ranking.py orders by relevance)."""
    return positions[np.lexsort([docnums[positions], -scores[positions]])]


def _entries_count(columns: SearcherColumns, docnums: np.ndarray, scores: np.ndarray, groups: np.ndarray,
                   limit: int) -> int:
    """How many of these passages (each group's close ones) `grouped` shows: each group's best, and those of its
    next `limit - 1` in relevance order that belong to the best's document. Taken rank by rank, each rank one
    pass over what is left (a per-group maximum): sorting them all by group cost 24 ms for 100k passages."""
    top = np.empty(len(columns.groups.labels))
    lowest = np.empty(len(columns.groups.labels), dtype=np.int64)
    best_docnum = np.empty(len(columns.groups.labels), dtype=np.int64)
    count = 0
    for rank in range(limit):
        if not len(docnums):
            break
        top.fill(-np.inf)
        np.maximum.at(top, groups, scores)
        at_top = np.flatnonzero(scores == top[groups])
        lowest.fill(np.iinfo(np.int64).max)
        np.minimum.at(lowest, groups[at_top], docnums[at_top])  # ties: the lower docnum ranks first
        chosen = at_top[docnums[at_top] == lowest[groups[at_top]]]
        if rank == 0:
            best_docnum[groups[chosen]] = docnums[chosen]
            count += len(chosen)
        else:
            count += int(np.count_nonzero(columns.canonical[docnums[chosen]]
                                          & columns.canonical[best_docnum[groups[chosen]]]))
        left = np.ones(len(docnums), dtype=bool)
        left[chosen] = False
        docnums, scores, groups = docnums[left], scores[left], groups[left]
    return count
