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
in bounded memory (_pairs: only the strong pairs are kept), and is skipped when the index generation is the one the table was learned from.
Writers call refresh() at the end of ingest, reindex and delete; the table is index/store/related_terms.py.

Learning reads the whole index, so an ingest adding one file to a large index would pay for all of it: ingest
asks for an `amortized` refresh, which learns again only once the index holds RELEARN_SHARE more (or fewer)
passages than the table was learned from. A run of small ingests then relearns a bounded number of times per
doubling of the corpus (total work linear in its size), and the table misses at most that share of passages.
Deleting and reindexing always learn again.
"""
from __future__ import annotations

import logging
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import TypeVar

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
PRODUCT_ENTRIES = 10_000_000  # entries one sparse product may hold (about 150 MB): bounds memory at any corpus size
TRIM_SHARE = 0.5  # xᵀx is symmetric: the words before a block are cut from the product once they hold this share
# (the cut is a copy of the rest of the matrix: at 0.25 it held three quarters of it, 200 MB more at 100k documents)
THREADS = min(2, os.cpu_count() or 1)  # products at once: learning ends an ingest, when the parse workers' cores idle
RELEARN_SHARE = 0.1  # an amortized refresh waits until the passage count has moved this much since the last learning
log = logging.getLogger("redprop.ingest")
T = TypeVar("T")
# Numbering and counts (第十八条, 八条, 七日, 之三): clause labels co-occur with everything near them.
NUMBERING = re.compile("^[第之]?[〇零一二两三四五六七八九十百千万]+[条章节款项日年月个名人次]?$")


def worth_relating(word: str) -> bool:
    """A word of two or more Chinese characters, no stop word or number."""
    return len(word) >= MIN_LENGTH and all(map(is_cjk, word)) and word not in stopwords() and not NUMBERING.match(word)


def learn(matrix: TermMatrix, threads: int = THREADS) -> list[Related]:
    """The strongest associations of each word (both directions), strongest first; the block products `threads` at
    a time."""
    if not matrix.words or matrix.total == 0:
        return []
    counts = np.asarray(matrix.passages.sum(axis=0), dtype=np.float64).ravel()  # passages holding each word
    total = float(matrix.total)

    def npmi(a: np.ndarray, b: np.ndarray, together: np.ndarray) -> np.ndarray:
        joint = together.astype(np.float64) / total
        return np.log(joint / ((counts[a] / total) * (counts[b] / total))) / -np.log(joint)

    a, b, together, support = _pairs(matrix.passages, matrix.groups, lambda *pair: npmi(*pair) >= MIN_NPMI, threads)
    keep = support >= MIN_DOCUMENTS
    a, b, support = a[keep], b[keep], support[keep]
    scores = npmi(a, b, together[keep])
    words = matrix.words
    apart = np.fromiter((words[i] not in words[j] and words[j] not in words[i] for i, j in zip(a.tolist(), b.tolist())),
                        dtype=bool, count=len(a))  # a compound and its own parts (物业服务企业, 服务企业) always co-occur
    kept = []
    for word, related, score, seen in _by_word(words, a[apart], b[apart], scores[apart], support[apart]):
        kept += _whole_words([Related(words[word], words[other], value, documents)
                              for other, value, documents in zip(related, score, seen, strict=True)])
    return kept


def _by_word(words: list[str], a: np.ndarray, b: np.ndarray, scores: np.ndarray, support: np.ndarray):
    """Each word's relations in both directions, as (word, related words, scores, supports), the relations
    strongest first (ties by the related word), the words in the order the pairs (ascending) first name them.

    Sorted as arrays and made into Related objects one word at a time: the pairs of a 100k corpus as objects,
    all at once, took gigabytes (index/write/related_terms.py is learned at the end of every large ingest)."""
    word = np.column_stack([a, b]).ravel()  # pair k gives word a its relation to b, then b its relation to a
    other = np.column_stack([b, a]).ravel()
    score, seen = np.repeat(scores, 2), np.repeat(support, 2)
    firsts = np.unique(word, return_index=True)[1]
    appearance = np.empty(len(words), dtype=np.int64)
    appearance[word[np.sort(firsts)]] = np.arange(len(firsts))
    text_order = np.empty(len(words), dtype=np.int64)
    text_order[sorted(range(len(words)), key=words.__getitem__)] = np.arange(len(words))
    order = np.lexsort((text_order[other], -score, appearance[word]))
    word, other, score, seen = word[order], other[order], score[order], seen[order]
    if not len(word):
        return
    starts = np.flatnonzero(np.r_[True, word[1:] != word[:-1]])
    for start, stop in zip(starts.tolist(), [*starts[1:].tolist(), len(word)], strict=True):
        yield (int(word[start]), other[start:stop].tolist(), score[start:stop].tolist(),
               seen[start:stop].tolist())


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


def _pairs(x: sparse.csr_matrix, groups: np.ndarray,
           wanted: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None, threads: int = 1,
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Word pairs (a < b) sharing a passage in MIN_DOCUMENTS passages or more, and that `wanted(a, b, passages
    holding both)` accepts (a mask; all when None): (a, b, passages holding both, document groups in which they
    do), in ascending (a, b) order.

    Memory stays flat as the corpus grows: most pairs of a large corpus share one passage only, so the pairs are
    first counted per passage in blocks of words and thinned to those that could reach MIN_DOCUMENTS groups
    (a group holds a pair only where a passage does) and that `wanted` accepts, and only those are then counted
    per group. `learn` wants the strong associations alone: at 10k documents 2.5% of the pairs in three passages
    or more, and keeping all of them (tens of millions at 100k) was most of ingest's peak memory."""
    size = x.shape[1]
    keys, together = _shared_passages(x, wanted, threads)
    support = _group_support(x, groups, keys, together, threads)
    return keys // size, keys % size, together, support


def _shared_passages(x: sparse.csr_matrix, wanted=None, threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(pair keys a * words + b, ascending; passages holding both) of the pairs in MIN_DOCUMENTS passages or more
    that `wanted` accepts: xᵀx a block of words at a time, `threads` blocks at once, the products together at most
    PRODUCT_ENTRIES entries."""
    size = x.shape[1]
    row_sizes = np.diff(x.indptr).astype(np.int64)
    work = np.asarray(x.T @ row_sizes).ravel()  # entries word a's row of xᵀx can have, at most
    columns = x.tocsc()
    held = np.r_[0, np.cumsum(np.diff(columns.indptr))]  # entries of the words before each word

    def count(start: int, stop: int, right: sparse.csr_matrix, offset: int) -> tuple[np.ndarray, np.ndarray]:
        product = (columns[:, start:stop].T @ right).tocoo()
        a = product.row.astype(np.int64) + start
        b = product.col.astype(np.int64) + offset
        keep = (b > a) & (product.data >= MIN_DOCUMENTS)
        a, b, together = a[keep], b[keep], product.data[keep].astype(np.int64)
        if wanted is not None:
            chosen = wanted(a, b, together)
            a, b, together = a[chosen], b[chosen], together[chosen]
        block_keys = a * size + b
        order = np.argsort(block_keys, kind="stable")  # blocks follow a, so each block sorted is all sorted
        return block_keys[order], together[order]

    def blocks():
        right, offset = x, 0  # the words from `offset` on: a pair's second word is never before its first
        for start, stop in _blocks(work, PRODUCT_ENTRIES // threads):
            if held[start] - held[offset] > TRIM_SHARE * (held[-1] - held[offset]):
                right = None  # the old one freed before the new one is made: one at a time in memory
                right, offset = x[:, start:], start
            yield partial(count, start, stop, right, offset)

    counted = list(_in_order(blocks(), threads))
    if not counted:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate([keys for keys, _ in counted]), np.concatenate([counts for _, counts in counted])


def _group_support(x: sparse.csr_matrix, groups: np.ndarray, keys: np.ndarray, together: np.ndarray,
                   threads: int = 1) -> np.ndarray:
    """For each pair of `keys` (ascending; `together`: passages holding both), the document groups in which some
    passage holds both words.

    Counted as what the groups take away: a pair in c passages of one group counts there once, not c times, so
    support = together − Σ (c − 1) over the groups where c ≥ 2. Only words a group holds in two passages or more
    (at 10k a sixth of the matrix's entries) can be such a pair, so only those are multiplied, a chunk of groups at
    a time: each word of a group becomes its own column (group, word), so the product pairs words of the same group
    only, and holds c for each of the group's pairs."""
    size = x.shape[1]
    excess = np.zeros(len(keys), dtype=np.int64)
    holding = np.flatnonzero(np.diff(x.indptr))  # passages with any word worth relating
    if not len(keys) or not len(holding):
        return together - excess
    order = holding[np.argsort(groups[holding], kind="stable")]
    row_sizes = np.diff(x.indptr)[order].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, np.diff(groups[order]) != 0])  # each group's first passage in `order`
    group_work = np.add.reduceat(row_sizes**2, starts)  # the product's entries, at most

    def count(first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        rows = order[starts[first]:starts[last] if last < len(starts) else len(order)]
        chunk = x[rows]
        group_of_entry = np.repeat(np.cumsum(np.r_[True, np.diff(groups[rows]) != 0]), np.diff(chunk.indptr))
        columns, entry_column, held = np.unique(group_of_entry * size + chunk.indices, return_inverse=True,
                                                return_counts=True)
        repeated = held[entry_column] >= 2  # the entry's word is in another passage of its group too
        indptr = np.r_[0, np.cumsum(repeated)][chunk.indptr]
        spread = sparse.csr_matrix((chunk.data[repeated], entry_column[repeated], indptr),
                                   shape=(len(rows), len(columns)))
        product = (spread.T @ spread).tocoo()
        twice = (product.row < product.col) & (product.data >= 2)
        words = columns % size  # ascending within a group, so a column pair's words are in key order
        found = words[product.row[twice]] * size + words[product.col[twice]]
        at = np.minimum(np.searchsorted(keys, found), len(keys) - 1)
        hit = keys[at] == found
        return at[hit], product.data[twice][hit].astype(np.int64) - 1  # (pair, c − 1) of each group with c ≥ 2

    chunks = (partial(count, first, last) for first, last in _blocks(group_work, PRODUCT_ENTRIES // threads))
    for at, repeats in _in_order(chunks, threads):
        np.add.at(excess, at, repeats)  # not a bincount per chunk: an array of every pair each time
    return np.subtract(together, excess, out=excess)


def _in_order(tasks: Iterable[Callable[[], T]], threads: int) -> Iterator[T]:
    """The tasks' results in their order, `threads` tasks running at once. A task is taken from `tasks` only when
    a thread is free for it, so no more than `threads` products are held at a time. Threads suffice: scipy's
    sparse product, the bulk of a task, runs without the GIL."""
    if threads == 1:
        yield from (task() for task in tasks)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="related-terms") as pool:
        pending: deque[Future[T]] = deque()
        for task in tasks:
            pending.append(pool.submit(task))
            if len(pending) == threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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


def refresh(library: Library, amortized: bool = False, matrix: TermMatrix | None = None) -> bool:
    """Learn the related terms again if the index changed since they were learned (with `amortized`, only once its
    passage count has moved by RELEARN_SHARE: module docstring); the caller holds the write lock. Returns whether
    they were learned. A failure is logged, never raised: the documents are stored and searchable, and the next
    write learns again (the generation mark is only set on success). `matrix`: what `read_matrix` read since the
    index last changed its passages (ingest reads it while a worker compacts the index)."""
    try:
        return _learn(library, amortized, matrix)
    except Exception:  # a bug here must not fail an ingest whose documents are already stored
        log.exception("相关词学习失败:%s", library.home)
        return False


def due(library: Library, amortized: bool = False) -> bool:
    """Whether refresh() would learn now."""
    if not library.index.exists():
        return False
    with library.index.searcher() as searcher:
        return _due(library, searcher, amortized)


def read_matrix(library: Library, apart: Callable | None = None, busy: int = 0) -> TermMatrix:
    """What learning reads, from the index as committed; with `apart`, another process reads part of it
    (index/engine/cooccurrence.py `term_matrix`)."""
    with library.index.searcher() as searcher:
        return matrix_of(searcher, apart, busy)


def _due(library: Library, searcher, amortized: bool) -> bool:
    if learned_from(library.store) == str(generation(searcher)):
        return False
    before = learned_passages(library.store)
    return not (amortized and before and abs(searcher.doc_count() - before) < RELEARN_SHARE * before)


def _learn(library: Library, amortized: bool, matrix: TermMatrix | None) -> bool:
    if not library.index.exists():
        return False
    with library.index.searcher() as searcher:
        if not _due(library, searcher, amortized):
            return False
        current, total = str(generation(searcher)), searcher.doc_count()
        if matrix is None or matrix.total != total:  # none given, or the passages changed since: read them now
            matrix = matrix_of(searcher)
    save(library.store, learn(matrix), current, total)
    return True


def matrix_of(searcher, apart: Callable | None = None, busy: int = 0) -> TermMatrix:
    """What learning reads: the words worth relating, in MIN_DOCUMENTS passages (fewer have no pair) up to
    MAX_SHARE of them."""
    most = max(MIN_DOCUMENTS, int(MAX_SHARE * searcher.doc_count()))
    return term_matrix(searcher, worth_relating, MIN_DOCUMENTS, most, apart, busy)
