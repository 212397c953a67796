"""Related terms learned from the corpus: words that occur in the same passage (clause or paragraph) more often
than chance would have them, across several documents.

A user asks with their words (资格, 工资); regulations answer with theirs (条件, 工作补贴). Where the corpus uses two
words in the same clause again and again, in different documents, each is a useful hint for the other. The
association is normalised PMI (Bouma 2009): log(p(a,b) / p(a)p(b)) / −log p(a,b), in [−1, 1], so one threshold
means the same for rare and common pairs and the figure shown in `redprop analyze` reads as a strength. Raw PMI
rewards pairs seen once or twice, so support is thresholded separately: a pair must co-occur in MIN_DOCUMENTS
document groups (a repost counts with its original), because a pair one document repeats is that document's
wording, not the corpus's.

Recomputed, not maintained incrementally: every new passage changes p(a) and p(b) of every pair, so stored pair
counts would have to be kept for all pairs (quadratic); reading the index's postings back as a sparse matrix and
multiplying it costs little next to segmenting the text (bench/: `make bench`), and is skipped when the index
generation is the one the table was learned from. Writers call refresh() at the end of ingest, reindex and delete;
the table is index/store/related_terms.py.

Learning reads the whole index, so an ingest adding one file to a large index would pay for all of it: ingest
asks for an `amortized` refresh, which learns again only once the index holds RELEARN_SHARE more (or fewer)
passages than the table was learned from. A run of small ingests then relearns a bounded number of times per
doubling of the corpus (total work linear in its size), and the table misses at most that share of passages.
Deleting and reindexing always learn again.
"""
from __future__ import annotations

import logging
import re

import numpy as np
from scipy import sparse

from index.analysis import is_cjk, stopwords
from index.engine.cooccurrence import TermMatrix, generation, term_matrix
from index.store.library import Library
from index.store.related_terms import Related, learned_from, learned_passages, save

MIN_DOCUMENTS = 3  # document groups in which the pair shares a passage: one or two documents are their wording
MAX_SHARE = 0.1  # words in more passages than this share (物业, 管理) relate to everything and say nothing
MIN_NPMI = 0.25  # weaker associations are mostly the corpus's topic, not the word's
RELATED_PER_WORD = 20  # strongest associations kept per word (tuned on the dev halves: 10, 20)
MIN_LENGTH = 2  # one-character words are too ambiguous to relate
RELEARN_SHARE = 0.1  # an amortized refresh waits until the passage count has moved this much since the last learning
log = logging.getLogger("redprop.ingest")
# Numbering and counts (第十八条, 八条, 七日, 之三): clause labels co-occur with everything near them.
NUMBERING = re.compile("^[第之]?[〇零一二两三四五六七八九十百千万]+[条章节款项日年月个名人次]?$")


def worth_relating(word: str) -> bool:
    """A word of two or more Chinese characters, no stop word or number."""
    return len(word) >= MIN_LENGTH and all(map(is_cjk, word)) and word not in stopwords() and not NUMBERING.match(word)


def learn(matrix: TermMatrix) -> list[Related]:
    """The strongest associations of each word (both directions), strongest first."""
    if not matrix.words or matrix.total == 0:
        return []
    counts = np.asarray(matrix.passages.sum(axis=0), dtype=np.float64).ravel()  # passages holding each word
    a, b, together, support = _pairs(matrix.passages, matrix.groups)
    keep = support >= MIN_DOCUMENTS
    a, b, together, support = a[keep], b[keep], together[keep].astype(np.float64), support[keep]
    total = float(matrix.total)
    joint = together / total
    npmi = np.log(joint / ((counts[a] / total) * (counts[b] / total))) / -np.log(joint)
    strong = npmi >= MIN_NPMI
    words = matrix.words
    found: dict[str, list[Related]] = {}
    for i, j, score, seen in zip(a[strong].tolist(), b[strong].tolist(), npmi[strong].tolist(),
                                 support[strong].tolist(), strict=True):
        if words[i] in words[j] or words[j] in words[i]:
            continue  # a compound and its own parts (物业服务企业, 服务企业) always co-occur
        found.setdefault(words[i], []).append(Related(words[i], words[j], score, seen))
        found.setdefault(words[j], []).append(Related(words[j], words[i], score, seen))
    kept = []
    for relations in found.values():
        kept += _whole_words(sorted(relations, key=lambda r: (-r.score, r.related)))
    return kept


def _whole_words(relations: list[Related]) -> list[Related]:
    """The first RELATED_PER_WORD of `relations` (strongest first), leaving out a related word that is a piece of
    one related as strongly (相适 of 相适应, 有线 of 有线电视): the index holds the pieces of every word, so they
    co-occur exactly as often as the whole."""
    kept: list[Related] = []
    ties = 0  # relations[:ties]: those at least as strong as the one looked at
    for position, relation in enumerate(relations):
        ties = max(ties, position + 1)
        while ties < len(relations) and relations[ties].score >= relation.score - 1e-9:
            ties += 1
        if not any(relation.related in other.related for other in relations[:ties] if other is not relation):
            kept.append(relation)
            if len(kept) == RELATED_PER_WORD:
                break
    return kept


def _pairs(x: sparse.csr_matrix, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Word pairs (a < b) sharing a passage: (a, b, passages holding both, document groups in which they do).

    One small product per document group: within it, passage counts add up, and a pair counts once for the group
    however many of its passages hold it."""
    holding = np.flatnonzero(np.diff(x.indptr))  # passages with any word worth relating
    order = holding[np.argsort(groups[holding], kind="stable")]
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    keys, values = [], []
    size = x.shape[1]
    for members in np.split(order, bounds):
        within = x[members]
        together = sparse.triu(within.T @ within, k=1).tocoo()
        keys.append(together.row.astype(np.int64) * size + together.col)  # a pair as one number
        values.append(together.data)
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    pairs, where, documents = np.unique(np.concatenate(keys), return_inverse=True, return_counts=True)
    passages = np.bincount(where, weights=np.concatenate(values), minlength=len(pairs))
    return pairs // size, pairs % size, passages, documents


def refresh(library: Library, amortized: bool = False) -> bool:
    """Learn the related terms again if the index changed since they were learned (with `amortized`, only once its
    passage count has moved by RELEARN_SHARE: module docstring); the caller holds the write lock. Returns whether
    they were learned. A failure is logged, never raised: the documents are stored and searchable, and the next
    write learns again (the generation mark is only set on success)."""
    try:
        return _learn(library, force=False, amortized=amortized)
    except Exception:  # a bug here must not fail an ingest whose documents are already stored
        log.exception("相关词学习失败:%s", library.home)
        return False


def learn_again(library: Library) -> bool:
    """Learn them even if the index has not changed (bench/profile_related.py, tuning); the caller holds the lock."""
    return _learn(library, force=True)


def _learn(library: Library, force: bool, amortized: bool = False) -> bool:
    if not library.index.exists():
        return False
    with library.index.searcher() as searcher:
        current = str(generation(searcher))
        if not force and learned_from(library.store) == current:
            return False
        total = searcher.doc_count()
        before = learned_passages(library.store)
        if amortized and not force and before and abs(total - before) < RELEARN_SHARE * before:
            return False
        most = max(MIN_DOCUMENTS, int(MAX_SHARE * total))  # a word in fewer passages than MIN_DOCUMENTS has no pair
        matrix = term_matrix(searcher, worth_relating, MIN_DOCUMENTS, most)
    save(library.store, learn(matrix), current, total)
    return True
