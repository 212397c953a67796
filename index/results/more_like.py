"""More like these: a second retrieval built from a question's best clauses brings in the clauses that state the
same provision in other words.

A question's first pass finds the clauses that use its words. Some relevant clauses share none or only some of them
(津贴 for 补贴, 召开首次业主大会会议 for 成立业主大会: `python -m bench.missing … --kinds`, vocabulary-none and
-partial), so no re-weighting of the matches reaches them (counterparts.py). Regulations of different cities are
drafted from each other, so the provision the best clauses state is worded alike elsewhere: the words those clauses
share, each weighted by its idf and by its clause's score, are searched for again as a query of their own, over the
clauses of every regulation but the sources themselves. A clause it finds enters the list only when it scores at
least LIKE_FLOOR of what the sources score on that query (it reads like them, not like one of their words), and
then below the question's strong matches: at LIKE_SHARE of the first pass's best score, times that similarity. A
first-pass match keeps its own score when that is higher, so the question's own ranking is never lowered. Questions
only (search.py), and news paragraphs are neither sources nor brought in. Ships switched off: measured on the dev
and test halves in docs/relevance.md ("more like these").
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from index.engine.vectorized import summed
from index.query.syntax import weighted_words
from index.results.counterparts import best_clauses, clause_words, regulation_positions

LIKE_SOURCES = 5  # the best first-pass clauses whose words make the second query (dev: 3, 5, 10)
LIKE_TERMS = 20  # of their words, the most distinctive searched for (dev: 10, 20, 40)
LIKE_CANDIDATES = 50  # the second retrieval's best clauses that may be brought in
LIKE_FLOOR = 0.6  # a candidate's second-query score, as a share of the sources' mean: below it, not brought in
# (dev: 0.4, 0.5, 0.6)
LIKE_SHARE = 0.45  # a brought-in clause's score at similarity 1, as a share of the first pass's best score
# (dev: 0.4, 0.45, 0.5, 0.6, 0.7)
# Candidates from other regulations only, as first planned, or from every regulation but the sources themselves:
# the second retrieval's first 20 new clauses were relevant at 0.044 from other regulations only and at 0.097 from
# every regulation (`python -m bench.more_like`, policy samples' dev half), so the sources' own regulation stays in.
LIKE_OTHER_REGULATIONS = False
LIKE_POOL = 200  # passages the second retrieval must rank on a large index (sources, news and all)


@dataclass(frozen=True)
class LikeThese:
    words: list[tuple[str, float]]  # the second query's words and weights (the strongest 1.0)
    sources: np.ndarray  # docnums of the source clauses
    groups: np.ndarray  # group codes (documents with their reposts) of the sources: not brought in from
    best: float  # the first pass's best score


def like_these(searcher, store, columns, docnums: np.ndarray, scores: np.ndarray) -> LikeThese | None:
    """The second query of a question's first pass (`docnums`, `scores`), or None when it has no clause."""
    ids, texts = best_clauses(searcher, store, columns, docnums, scores, LIKE_SOURCES)
    if not texts:
        return None
    words = shared_words([(text, float(scores[ids[pid]])) for pid, text in texts.items()], searcher.doc_count(),
                         lambda word: searcher.doc_frequency("body", word))
    if not words:
        return None
    sources = np.array([docnums[ids[pid]] for pid in texts], dtype=np.int64)
    return LikeThese(words, sources, np.unique(columns.groups.codes[sources]), float(scores.max()))


def shared_words(texts: list[tuple[str, float]], total: int, document_frequency) -> list[tuple[str, float]]:
    """The LIKE_TERMS words of the sources (text, first-pass score) with the highest mean tf-idf over their
    unit-length vectors, each source weighted by its score (RM3's P(d)): a word most of them hold outweighs one a
    single clause repeats, and a weak source's boilerplate (为了规范…制定本条例) weighs little. The weights are
    relative to the strongest word."""
    mass = sum(score for _, score in texts)
    mean: Counter[str] = Counter()
    for text, score in texts:
        vector = {}
        for word, count in clause_words(text):
            frequency = document_frequency(word)
            if frequency:
                vector[word] = count * (math.log(total / (frequency + 1)) + 1)
        norm = math.sqrt(sum(value * value for value in vector.values()))
        for word, value in vector.items():
            mean[word] += value / norm * score / mass
    chosen = mean.most_common(LIKE_TERMS)
    if not chosen:
        return []
    top = chosen[0][1]
    return [(word, weight / top) for word, weight in chosen]


def second_query(like: LikeThese):
    return weighted_words(like.words)


def candidates(columns, like: LikeThese, docnums: np.ndarray, scores: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """The second retrieval's LIKE_CANDIDATES best clauses of other regulations, each with its similarity: its
    score as a share of the sources' mean score on the same query (capped at 1)."""
    sourced = np.isin(docnums, like.sources)
    reference = float(scores[sourced].mean()) if sourced.any() else float(scores.max(initial=0.0))
    clauses = regulation_positions(columns, docnums)
    if LIKE_OTHER_REGULATIONS:
        clauses = clauses[~np.isin(columns.groups.codes[docnums[clauses]], like.groups)]
    else:
        clauses = clauses[~np.isin(docnums[clauses], like.sources)]
    if not len(clauses) or reference <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    top = clauses[np.argsort(-scores[clauses], kind="stable")[:LIKE_CANDIDATES]]
    return docnums[top], np.minimum(1.0, scores[top] / reference)


def brought_in(columns, like: LikeThese, docnums: np.ndarray, scores: np.ndarray, more_docnums: np.ndarray,
               more_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first pass (`docnums`, `scores`) with the second retrieval's similar clauses brought in: each at
    LIKE_SHARE × similarity × the first pass's best score, or its own first-pass score when that is higher."""
    found, similarity = candidates(columns, like, more_docnums, more_scores)
    keep = similarity >= LIKE_FLOOR
    found, similarity = found[keep], similarity[keep]
    if not len(found):
        return docnums, scores
    order = np.argsort(found)  # summed() takes ascending docnums
    found, proposed = found[order], LIKE_SHARE * similarity[order] * like.best
    merged_docnums, merged = summed([(docnums, scores), (found, np.zeros(len(found)))])
    at = np.searchsorted(merged_docnums, found)
    merged[at] = np.maximum(merged[at], proposed)
    return merged_docnums, merged
