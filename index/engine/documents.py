"""Document records: what is the same for every passage of a document (its title) is indexed once, and the
passages inherit the match.

A document is written as one record (`kind=document`: doc_id, group_id and the document-level fields) followed
by its passages, in the same writer call, so in every segment a record comes right before its passages: Whoosh
adds documents in order, deletes a document's record and passages together (by doc_id), and merges keep the
order. A passage's record is therefore the nearest record before it (`parents`).

`InDocument(query)` matches the passages whose document record matches `query`, each scored with its record's
score: a word of the title counts for every passage of that document (coordination sees it as found there),
and a document found only by its title is still found (by all its passages, the first ranking highest on a
tie). Records themselves are never results (`passage_docnums` drops them).

BM25 needs statistics per level: a title term's idf and the title's average length are over records, a body
term's over passages. `PassageBM25F` computes both from the same index, so Whoosh's own stepping and the
vectorised evaluation (index/engine/vectorized.py) read the same scorer figures.
"""
from __future__ import annotations

from math import log

import numpy as np
from whoosh import query as q
from whoosh.matching import ListMatcher, MultiMatcher, NullMatcher
from whoosh.scoring import BM25F, BM25FScorer

KIND_FIELD = "kind"
RECORD_KIND = "document"
# Fields only document records hold (the passages inherit them through InDocument).
DOCUMENT_FIELDS = frozenset({"title"})
# Fields both hold: the record's value is the document's (the title's character grams), the passage's its own.
SHARED_FIELDS = frozenset({"grams"})
_CACHE_SEGMENTS = 256  # per-segment parent arrays kept (segments never change; a new one gets a new id)


class PassageBM25F(BM25F):
    """BM25F with each field's statistics over the records that hold it: documents for the title, passages
    for everything else (records would otherwise count as passages without a body)."""

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        return log(holders(parent, fieldname) / (parent.doc_frequency(fieldname, text) + 1)) + 1

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if type(scorer) is BM25FScorer:
            parent = searcher.get_parent()
            scorer.avgfl = parent.field_length(fieldname) / max(holders(parent, fieldname), 1) or 1
        return scorer


def per_segment(query: q.Query, searcher, context=None):
    """`query`'s matcher on a multi-segment searcher: each segment's own, at its offset, as Whoosh's term
    matchers do (the nodes that compute a segment's matches as arrays take one segment at a time)."""
    subs = [(query.matcher(sub, context), offset) for sub, offset in searcher.subsearchers]
    subs = [(m, offset) for m, offset in subs if m.is_active()]
    if not subs:
        return NullMatcher()
    return MultiMatcher([m for m, _ in subs], [offset for _, offset in subs])


def holders(searcher, fieldname: str) -> int:
    """How many indexed entries (deleted ones included, as Whoosh's doc_count_all) can hold `fieldname`."""
    records = searcher.doc_frequency(KIND_FIELD, RECORD_KIND)
    everything = searcher.doc_count_all()
    if fieldname in DOCUMENT_FIELDS:
        return records or everything
    if fieldname in SHARED_FIELDS:
        return everything
    return everything - records


_parents: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def segment_records(reader) -> tuple[np.ndarray, np.ndarray]:
    """(record docnums ascending, parent per docnum: the record before it, -1 for none) of one segment."""
    return _segment_tables(reader)[:2]


def _segment_tables(reader) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """segment_records' two arrays and whether each docnum is a record."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    key = segment.segment_id() if segment is not None else None
    cached = _parents.get(key) if key is not None else None
    if cached is not None:
        return cached
    size = reader.doc_count_all()
    if (KIND_FIELD, RECORD_KIND) in reader:
        records = np.fromiter(reader.postings(KIND_FIELD, RECORD_KIND).all_ids(), dtype=np.int64)
    else:
        records = np.zeros(0, dtype=np.int64)
    marks = np.full(size, -1, dtype=np.int64)
    marks[records] = records
    parents = np.maximum.accumulate(marks) if size else marks
    parents[records] = -1  # a record is no passage of itself
    is_record = np.zeros(size, dtype=bool)
    is_record[records] = True
    if key is not None:
        if len(_parents) >= _CACHE_SEGMENTS:
            _parents.pop(next(iter(_parents)))
        _parents[key] = (records, parents, is_record)
    return records, parents, is_record


def passage_docnums(reader, ids: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The matches without document records (a query for everything, or NOT, would list them)."""
    records, _, is_record = _segment_tables(reader)
    if not len(records) or not len(ids):
        return ids, scores
    keep = ~is_record[ids]
    return ids[keep], scores[keep]


class InDocument(q.WrappingQuery):
    """The passages of the documents whose record matches `child` (a query on document-level fields).

    `lengths` (index/engine/vectorized.py FieldLengths), when the caller has them, saves reading the title's
    length column again."""

    boost = 1.0  # Or.normalize() reads every child's boost; the child's own boosts apply

    def __init__(self, child, lengths=None):
        super().__init__(child)
        self.lengths = lengths

    def __repr__(self):
        return f"InDocument({self.child!r})"

    def __eq__(self, other):
        return type(other) is type(self) and other.child == self.child

    def __hash__(self):
        return hash((type(self).__name__, self.child))

    def _rewrap(self, child):
        return InDocument(child, self.lengths)

    def apply(self, fn):
        return InDocument(fn(self.child), self.lengths)

    def normalize(self):
        child = self.child.normalize()
        if child is q.NullQuery:
            return child
        return InDocument(child, self.lengths)

    def matcher(self, searcher, context=None):
        from index.engine.vectorized import FieldLengths, evaluate  # vectorized imports this module's matcher

        if not searcher.is_atomic():
            return per_segment(self, searcher, context)
        reader = searcher.reader()
        records, parents = segment_records(reader)
        if not len(records):
            return NullMatcher()
        found = self.child.matcher(searcher, context)
        record_ids, record_scores = evaluate(found, reader, self.lengths or FieldLengths(), records)
        if not len(record_ids):
            return NullMatcher()
        matched = np.zeros(len(parents) + 1, dtype=bool)  # by record docnum; the last stays False for parent -1
        matched[record_ids] = True
        passages = np.flatnonzero(matched[parents])
        if reader.has_deletions() and len(passages):
            deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
            passages = passages[~np.isin(passages, deleted)]
        if not len(passages):
            return NullMatcher()
        scores = record_scores[np.searchsorted(record_ids, parents[passages])]
        return InheritedMatcher(passages.tolist(), weights=scores.tolist())


class InheritedMatcher(ListMatcher):
    """Passages with the score their document's record earned: a plain list, read as arrays by the
    vectorised evaluation and stepped as any list by Whoosh."""


def passage_count(searcher) -> int:
    """Live passages in the index (document records not counted)."""
    return searcher.doc_count() - sum(1 for _ in searcher.docs_for_query(q.Term(KIND_FIELD, RECORD_KIND)))


def is_record(fields: dict) -> bool:
    """Whether stored fields are a document record's rather than a passage's."""
    return fields.get(KIND_FIELD) == RECORD_KIND
