"""Counterpart clauses: the clauses of other regulations that read like a question's best clauses gain.

Regulations of different cities are drafted from each other and from the national 物业管理条例, so one provision
(业主大会成立条件, 业委会任期, 维修资金紧急使用) appears as one clause in each, in similar words. A question's first
pass finds some of them; the others rank 11–30 behind passing mentions, because their regulation words it
differently. So, for a question, each of its COUNTERPART_CANDIDATES best matching clauses gains COUNTERPART_SHARE
of the mean, over the COUNTERPART_SOURCES best clauses of *other* regulations, of that clause's score times its
similarity to the candidate: "more like these, elsewhere", clause to clause as wholes, where feedback adds words.
The mean rather than the best source: one wrong source among the best (a passing mention) then lifts little.
Clauses matching none of the question's words are not brought in (as for neighbouring clauses), news paragraphs
are left alone, and questions only (search.py): a keyword query's passages rank by what they hold.

Similarity is the cosine of the clauses' word vectors (the indexed words, each weighted by its idf in the index):
over the policy samples' dev questions it ranked the relevant clauses of other regulations better than character
bigrams did (`python -m bench.counterparts`, docs/relevance.md). The clause lineage of index/compare (MinHash
and alignment) looks for copied text, which most counterparts are not, and is built over every clause at first use.
"""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

import numpy as np

from index.analysis import analyze, stopwords
from index.results.neighbours import REGULATION_TYPE
from ingest.policy import CLAUSE
from ingest.text.fold import fold

COUNTERPART_SHARE = 0.3  # of a source's score × similarity, averaged over sources (dev: 0.15, 0.2, 0.3, 0.5)
COUNTERPART_SOURCES = 10  # the best clauses whose counterparts gain (dev: 1, 3, 5, 10, 20)
COUNTERPART_CANDIDATES = 30  # the best matching clauses that may gain (dev: 30, 60 and 100 the same)
# Clauses whose words are remembered per process: the same clauses answer many questions of one domain, and
# segmenting them is the step's cost (a few KB each).
WORDS_CACHE_SIZE = 8192


def clause_body(text: str) -> str:
    """A clause's folded text without its label (第十二条): the label says where, not what."""
    folded = fold(text)
    match = CLAUSE.match(folded)
    return match.group("body") if match else folded


@lru_cache(maxsize=WORDS_CACHE_SIZE)
def clause_words(text: str) -> tuple[tuple[str, int], ...]:
    """A clause's words and their counts (stop words and one-character words left out)."""
    stop = stopwords()
    counts = Counter(term.text for term in analyze(clause_body(text), folded=True)
                     if term.main and len(term.text) > 1 and term.text not in stop)
    return tuple(counts.items())


def word_vector(text: str, idf) -> dict[str, float]:
    """tf × idf of a clause's words, unit length."""
    return unit({word: count * idf(word) for word, count in clause_words(text)})


def unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(value * value for value in vector.values()))
    return {key: value / norm for key, value in vector.items()} if norm else {}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(key, 0.0) for key, value in a.items())


def clause_vectors(texts: dict[str, str], searcher) -> dict[str, dict[str, float]]:
    """passage_id → word vector, the idf over the index's passages (Whoosh's formula, body field)."""
    total = searcher.doc_count()
    cache: dict[str, float] = {}

    def idf(word: str) -> float:
        if word not in cache:
            cache[word] = math.log(total / (searcher.doc_frequency("body", word) + 1)) + 1
        return cache[word]
    return {key: word_vector(text, idf) for key, text in texts.items()}


def regulation_positions(columns, docnums: np.ndarray) -> np.ndarray:
    """Positions in `docnums` of regulations' passages (clauses); news paragraphs are left out."""
    types = columns.values["doc_type"]
    if REGULATION_TYPE not in types.labels:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(types.codes[docnums] == types.labels.index(REGULATION_TYPE))


def best_clauses(searcher, store, columns, docnums: np.ndarray, scores: np.ndarray,
                 count: int) -> tuple[dict[str, int], dict[str, str]]:
    """The `count` best scoring clauses: passage_id → position in `docnums` (best first), and passage_id → text
    for those the store holds as clauses."""
    clauses = regulation_positions(columns, docnums)
    best = clauses[np.argsort(-scores[clauses], kind="stable")[:count]]
    ids = {searcher.stored_fields(int(docnums[position]))["passage_id"]: int(position) for position in best}
    return ids, store.clause_texts(ids)


def with_counterparts(searcher, store, columns, docnums: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """`scores` with each of the best matching clauses raised by its similarity to the best clauses of other
    regulations (COUNTERPART_SHARE of their mean score at most); other passages are left as they are."""
    if len(scores) < 2:
        return scores
    ids, texts = best_clauses(searcher, store, columns, docnums, scores, COUNTERPART_CANDIDATES)
    if len(texts) < 2:
        return scores
    vectors = clause_vectors(texts, searcher)
    groups = columns.groups.codes
    ranked = [pid for pid in ids if pid in texts]  # best first
    sources = ranked[:COUNTERPART_SOURCES]
    raised = scores.copy()
    for pid in ranked:
        position = ids[pid]
        gains = [cosine(vectors[pid], vectors[source]) * scores[ids[source]] for source in sources
                 if groups[docnums[ids[source]]] != groups[docnums[position]]]
        if gains:
            raised[position] += COUNTERPART_SHARE * sum(gains) / len(gains)
    return raised
