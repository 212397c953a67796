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
multiplying it costs little next to segmenting the text (bench/: `make bench`, `python -m bench.profile_related`),
in bounded memory (_pairs), and is skipped when the index generation is the one the table was learned from. Writers call refresh() at the end of ingest, reindex and delete;
the table is index/store/related_terms.py.
"""
from __future__ import annotations

import logging
import re

import numpy as np
from scipy import sparse

from index.analysis import is_cjk, stopwords
from index.engine.cooccurrence import TermMatrix, generation, term_matrix
from index.store.library import Library
from index.store.related_terms import Related, learned_from, save

MIN_DOCUMENTS = 3  # document groups in which the pair shares a passage: one or two documents are their wording
MAX_SHARE = 0.1  # words in more passages than this share (物业, 管理) relate to everything and say nothing
MIN_NPMI = 0.25  # weaker associations are mostly the corpus's topic, not the word's
RELATED_PER_WORD = 20  # strongest associations kept per word (tuned on the dev halves: 10, 20)
MIN_LENGTH = 2  # one-character words are too ambiguous to relate
PRODUCT_ENTRIES = 10_000_000  # entries one sparse product may hold (about 150 MB): bounds memory at any corpus size
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
    """Word pairs (a < b) sharing a passage in MIN_DOCUMENTS passages or more: (a, b, passages holding both,
    document groups in which they do).

    Memory stays flat as the corpus grows: most pairs of a large corpus share one passage only, so the pairs are
    first counted per passage in blocks of words and thinned to those that could reach MIN_DOCUMENTS groups
    (a group holds a pair only where a passage does), and only those are then counted per group."""
    size = x.shape[1]
    keys, together = _shared_passages(x)
    support = _group_support(x, groups, keys)
    return keys // size, keys % size, together, support


def _shared_passages(x: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """(pair keys a * words + b, ascending; passages holding both) of the pairs in MIN_DOCUMENTS passages or more:
    xᵀx a block of words at a time, each block's product at most PRODUCT_ENTRIES entries."""
    size = x.shape[1]
    row_sizes = np.diff(x.indptr).astype(np.int64)
    work = np.asarray(x.T @ row_sizes).ravel()  # entries word a's row of xᵀx can have, at most
    columns = x.tocsc()
    keys, counts = [], []
    for start, stop in _blocks(work, PRODUCT_ENTRIES):
        product = (columns[:, start:stop].T @ x).tocoo()
        a = product.row.astype(np.int64) + start
        keep = (product.col > a) & (product.data >= MIN_DOCUMENTS)
        keys.append(a[keep] * size + product.col[keep])
        counts.append(product.data[keep])
    if not keys:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys, counts = np.concatenate(keys), np.concatenate(counts).astype(np.int64)
    order = np.argsort(keys, kind="stable")
    return keys[order], counts[order]


def _group_support(x: sparse.csr_matrix, groups: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """For each pair of `keys` (ascending), the document groups in which some passage holds both words.

    A chunk of groups at a time, in one product: each word of a group becomes its own column (group, word), so
    the product pairs words of the same group only, and a pair holds one entry per group however many of the
    group's passages hold it."""
    size = x.shape[1]
    support = np.zeros(len(keys), dtype=np.int64)
    holding = np.flatnonzero(np.diff(x.indptr))  # passages with any word worth relating
    if not len(keys) or not len(holding):
        return support
    order = holding[np.argsort(groups[holding], kind="stable")]
    row_sizes = np.diff(x.indptr)[order].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, np.diff(groups[order]) != 0])  # each group's first passage in `order`
    group_work = np.add.reduceat(row_sizes**2, starts)
    for first, last in _blocks(group_work, PRODUCT_ENTRIES):
        rows = order[starts[first]:starts[last] if last < len(starts) else len(order)]
        chunk = x[rows]
        group_of_entry = np.repeat(np.cumsum(np.r_[True, np.diff(groups[rows]) != 0]), np.diff(chunk.indptr))
        columns, entry_column = np.unique(group_of_entry * size + chunk.indices, return_inverse=True)
        spread = sparse.csr_matrix((chunk.data, entry_column.ravel(), chunk.indptr), shape=(len(rows), len(columns)))
        pairs = sparse.triu(spread.T @ spread, k=1).tocoo()
        words = columns % size  # ascending within a group, so a column pair's words are in key order
        found = np.sort(words[pairs.row] * size + words[pairs.col])  # sorted: look-ups stay in cache
        at = np.minimum(np.searchsorted(keys, found), len(keys) - 1)
        support += np.bincount(at[keys[at] == found], minlength=len(keys))
    return support


def _blocks(work: np.ndarray, budget: int):
    """Consecutive (start, stop) ranges of `work`'s items whose sums stay within `budget` (an item over it alone)."""
    start, total = 0, 0
    for position, amount in enumerate(work.tolist()):
        if total and total + amount > budget:
            yield start, position
            start, total = position, 0
        total += amount
    if start < len(work):
        yield start, len(work)


def refresh(library: Library) -> bool:
    """Learn the related terms again if the index changed since they were learned; the caller holds the write
    lock. Returns whether they were learned. A failure is logged, never raised: the documents are stored and
    searchable, and the next write learns again (the generation mark is only set on success)."""
    try:
        return _learn(library, force=False)
    except Exception:  # a bug here must not fail an ingest whose documents are already stored
        log.exception("相关词学习失败:%s", library.home)
        return False


def learn_again(library: Library) -> bool:
    """Learn them even if the index has not changed (bench/profile_related.py, tuning); the caller holds the lock."""
    return _learn(library, force=True)


def _learn(library: Library, force: bool) -> bool:
    if not library.index.exists():
        return False
    with library.index.searcher() as searcher:
        current = str(generation(searcher))
        if not force and learned_from(library.store) == current:
            return False
        total = searcher.doc_count()
        most = max(MIN_DOCUMENTS, int(MAX_SHARE * total))  # a word in fewer passages than MIN_DOCUMENTS has no pair
        matrix = term_matrix(searcher, worth_relating, MIN_DOCUMENTS, most)
    save(library.store, learn(matrix), current)
    return True
