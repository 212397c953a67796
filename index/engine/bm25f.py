"""One word in several fields, scored with BM25F as Robertson and Zaragoza define it.

Whoosh's BM25F scores each field as its own term (its own idf, its own saturation) and an Or adds them: a word
in a clause's heading and body counts twice, with two idfs, and a word rare in headings (the lead 应当具备下列条件
of a defining clause) outweighs the body that says what the question asks. Here the word's evidence is pooled
first: per field, its frequency (the posting weight, which already carries the schema's field boost) divided by
that field's length normalisation; the pooled frequency is saturated once and weighted by one idf.

    tf~ = Σ_f w_f · tf_f / ((1 − B) + B · len_f / avglen_f)        score = idf · tf~ · (K1 + 1) / (tf~ + K1)

The title is indexed once per document (index/engine/documents.py): its normalised frequency is the record's, and
every passage of the document adds it. idf is over passages; a passage holds the word if any of its fields
does, and that union is approximated by the field where the word is most frequent (as Lucene's
CombinedFieldQuery does), the title's record count only for a word found in titles alone.

The matches are computed as arrays when the matcher is built and handed on as a list, so Whoosh's stepping,
the vectorised evaluation (index/engine/vectorized.py) and the window bounds (index/engine/bounds.py) read the
same floats.
"""
from __future__ import annotations

from math import log

import numpy as np
from whoosh import query as q
from whoosh.matching import NullMatcher

from index.engine.blockcache import FileCache
from index.engine.documents import DOCUMENT_FIELDS, holders, per_segment, segment_records
from index.engine.lazylist import LazyListMatcher

B = 0.75  # length normalisation, as Whoosh's BM25F default (every field alike)
K1 = 1.2  # saturation of the pooled frequency
# On top of the schema's field boosts, which the postings carry (index/engine/schema.py): the title's boost (3)
# ranks a document whose title says the word; pooled, every passage of that document inherits the title's
# frequency, so counted at 3 it would saturate them all alike and their own words could no longer tell them apart.
# Counted as one occurrence (1/3 of its boost), it did best on both dev halves (title 1/3, 1/2, 1: fixtures nDCG@10
# 0.848 / 0.842 / 0.836, policy samples 0.640 / 0.637 / 0.633).
POOLED_FIELD_WEIGHTS = {"title": 1 / 3, "heading": 1, "lead": 2}
# A segment's pooled frequencies of the words evaluated over it in full (pooled_frequencies), per index generation
# (the fields' average lengths are the whole index's): 16 bytes a passage; the domain's common words first.
POOLED = FileCache(48 * 2**20)
# A defining lead is one sentence, and most passages have none: its average length over all passages says nothing
# about how long a lead is, so its frequency is not length-normalised.
FIELD_B = {"lead": 0.0}


class FieldedTerm(q.Query):
    """A word in any of `fieldnames`, one BM25F score per passage (see the module docstring).

    `terms`: the word and the single words standing for it (its synonyms), each with the weight its occurrences
    count at. They are pooled into one frequency, as Lucene's SynonymQuery does, so that a passage saying both the
    word and its synonym is not scored twice, and one saying the word more often ranks first."""

    def __init__(self, fieldnames, terms, boost: float = 1.0, lengths=None):
        self.fieldnames = tuple(fieldnames)
        self.terms_weights = tuple((text, float(weight)) for text, weight in terms)
        self.boost = boost
        self.lengths = lengths  # index/engine/vectorized.py FieldLengths, when the caller has them

    def __repr__(self):
        return f"FieldedTerm({self.fieldnames!r}, {self.terms_weights!r}, boost={self.boost})"

    def __eq__(self, other):
        return (type(other) is type(self) and other.fieldnames == self.fieldnames
                and other.terms_weights == self.terms_weights and other.boost == self.boost)

    def __hash__(self):
        return hash((type(self).__name__, self.fieldnames, self.terms_weights, self.boost))

    def is_leaf(self):
        return True

    def field(self):
        return None

    def has_terms(self):
        return True

    def terms(self, phrases=False):
        for text, _ in self.terms_weights:
            for name in self.fieldnames:
                yield name, text

    def with_lengths(self, lengths) -> FieldedTerm:
        return FieldedTerm(self.fieldnames, self.terms_weights, self.boost, lengths)

    def estimate_size(self, ixreader):
        return sum(ixreader.doc_frequency(name, text) for name, text in self.terms())

    def matcher(self, searcher, context=None):
        if not searcher.is_atomic():
            return per_segment(self, searcher, context)
        reader = searcher.reader()
        if not any((name, text) in reader for text, _ in self.terms_weights for name in self.fieldnames
                   if name in searcher.schema):
            return NullMatcher()
        # the pooled word is in at least as many passages as its most frequent form
        idf = min(word_idf(searcher.get_parent(), self.fieldnames, text) for text, _ in self.terms_weights)
        return PooledMatcher(self, searcher, self.boost * idf)

    def scored(self, searcher, scale: float, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(passage docnums ascending, BM25F scores) in one segment; with `within` (sorted docnums), only those."""
        from index.engine.vectorized import summed  # vectorized reads PooledMatcher

        parts = [pooled_frequencies(searcher, self.fieldnames, text, self.lengths, within)
                 for text, _ in self.terms_weights]
        ids, pooled = summed([(ids, weight * tf) for (ids, tf), (_, weight) in zip(parts, self.terms_weights)])
        if within is not None and len(ids):
            keep = np.isin(ids, within, assume_unique=True)
            ids, pooled = ids[keep], pooled[keep]
        return ids, scale * saturated(pooled)


class WhenRare(q.WrappingQuery):
    """`child` where `term` is in fewer than `below` passages of the index, else nothing: a fallback worth its
    postings only while the word itself finds few answers (index/query/syntax.py: a compound's parts apart)."""

    boost = 1.0  # Or.normalize() reads every child's boost; the child's own boosts apply

    def __init__(self, term: FieldedTerm, child, below: int):
        super().__init__(child)
        self.term, self.below = term, below

    def __repr__(self):
        return f"WhenRare({self.term!r}, {self.child!r}, below={self.below})"

    def __eq__(self, other):
        return (type(other) is type(self) and other.term == self.term and other.child == self.child
                and other.below == self.below)

    def __hash__(self):
        return hash((type(self).__name__, self.term, self.child, self.below))

    def _rewrap(self, child):
        return WhenRare(self.term, child, self.below)

    def apply(self, fn):
        return WhenRare(self.term, fn(self.child), self.below)

    def matcher(self, searcher, context=None):
        parent = searcher.get_parent()
        found = max(parent.doc_frequency(name, text) for name, text in self.term.terms() if name in parent.schema)
        if found >= self.below:
            return NullMatcher()
        return self.child.matcher(searcher, context)


class PooledMatcher(LazyListMatcher):
    """A FieldedTerm's passages and scores in one segment, computed the first time they are needed: the vectorised
    evaluation (index/engine/vectorized.py) asks for `scored(within)` while `materialised` is False, so a filter
    or an intersection skips the posting blocks it does not need; any matcher call first materialises the whole
    list, which Whoosh then steps as any list."""

    def __init__(self, term: FieldedTerm, searcher, scale: float):
        super().__init__()
        self._term, self._searcher, self._scale = term, searcher, scale

    def scored(self, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if self.materialised:
            ids = np.asarray(self._ids[self._i:], dtype=np.int64)
            scores = np.asarray(self._weights[self._i:], dtype=np.float64)
            return ids, scores
        return self._term.scored(self._searcher, self._scale, within)

    def _compute(self) -> tuple[np.ndarray, np.ndarray]:
        return self._term.scored(self._searcher, self._scale)

    def is_active(self):
        if not self.materialised and not self._searcher.reader().has_deletions():
            return True  # built only where a field has the word, and no posting of it is deleted
        return super().is_active()


def saturated(pooled: np.ndarray) -> np.ndarray:
    return pooled * (K1 + 1) / (pooled + K1)


def word_idf(searcher, fieldnames, text: str) -> float:
    """Whoosh's idf formula over passages, with the word's passage count estimated as its largest field's."""
    passage_fields = [name for name in fieldnames if name not in DOCUMENT_FIELDS]
    found = max((searcher.doc_frequency(name, text) for name in passage_fields), default=0)
    if not found:  # a word of titles only
        found = max((searcher.doc_frequency(name, text) for name in fieldnames), default=0)
    passages = holders(searcher, passage_fields[0] if passage_fields else fieldnames[0])
    return log(passages / (found + 1)) + 1


def pooled_frequencies(searcher, fieldnames, text: str, lengths=None, within: np.ndarray | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(passage docnums ascending, Σ over fields of the length-normalised weighted frequency) in one segment.
    With `within`, a passage field's posting blocks holding none of those docnums are skipped unread, unless the
    word's whole list is kept (POOLED), which is then narrowed (callers keep only `within`'s ids)."""
    from index.engine.vectorized import postings_within  # vectorized reads PooledMatcher

    reader = searcher.reader()
    key = (tuple(fieldnames), text, searcher.get_parent().reader().generation())
    known = POOLED.peek(reader, key)
    if known is None and within is None:
        ids, pooled = _pooled_frequencies(searcher, fieldnames, text, lengths, None)
        ids.flags.writeable = pooled.flags.writeable = False
        known = POOLED.get(reader, key, lambda: ((ids, pooled), ids.nbytes + pooled.nbytes))
    if known is not None:
        return postings_within(*known, within)
    return _pooled_frequencies(searcher, fieldnames, text, lengths, within)


def _pooled_frequencies(searcher, fieldnames, text: str, lengths, within: np.ndarray | None
                        ) -> tuple[np.ndarray, np.ndarray]:
    from index.engine.vectorized import FieldLengths, leaf_postings, summed, unwrapped  # vectorized reads PooledMatcher

    lengths = lengths or FieldLengths()
    reader, parent = searcher.reader(), searcher.get_parent()
    parts = []
    for name in fieldnames:
        if name not in searcher.schema or (name, text) not in reader:
            continue
        leaf, deleted = unwrapped(reader.postings(name, text))
        ids, weights, _ = leaf_postings(leaf, values=False, within=None if name in DOCUMENT_FIELDS else within)
        if deleted is not None and len(ids):
            live = ~np.isin(ids, deleted)
            ids, weights = ids[live], weights[live]
        if not len(ids):
            continue
        average = parent.field_length(name) / max(holders(parent, name), 1) or 1
        weight = POOLED_FIELD_WEIGHTS.get(name, 1.0)
        b = FIELD_B.get(name, B)
        normalised = weight * weights / ((1 - b) + b * lengths.get(reader, name)[ids] / average)
        if name in DOCUMENT_FIELDS:  # a record's frequency counts for each of its passages
            ids, normalised = _inherited(reader, ids, normalised, within)
        parts.append((ids, normalised))
    return summed(parts)


def _inherited(reader, record_ids: np.ndarray, values: np.ndarray, within: np.ndarray | None
               ) -> tuple[np.ndarray, np.ndarray]:
    """The live passages of these records (of `within` only, when given), each with its record's value."""
    _, parents = segment_records(reader)
    by_record = np.zeros(len(parents) + 1)  # by docnum; the last entry stays 0 for parent -1 (no record)
    by_record[record_ids] = values
    candidates = np.arange(len(parents)) if within is None else within
    inherited = by_record[parents[candidates]]
    passages = candidates[inherited > 0]
    if reader.has_deletions() and len(passages):
        passages = passages[~np.isin(passages, np.fromiter(reader.deleted_docs_set, dtype=np.int64))]
    return passages, by_record[parents[passages]]
