"""Phrases whose matcher does no work until asked, so the vectorised evaluation checks their positions.

Whoosh's Phrase builds a SpanNear2Matcher, which on construction steps its term intersection in Python until
the first document whose positions fit: for a phrase that rarely fits (a proximity bonus in titles) that is a
walk over every candidate before the search has even started. ArrayPhrase builds the same term matchers and
stops; index/engine/vectorized.py reads them as arrays. If a matcher we do not vectorise needs it to behave as a
matcher (a coordination union, a preloaded small-index union), it becomes a list matcher over the same
evaluation, so every caller sees the matches and scores Whoosh would give.
"""
from __future__ import annotations

import numpy as np
from whoosh import matching
from whoosh import query as q

from index.engine.bm25f import FieldedTerm
from index.engine.documents import InDocument
from index.engine.lazylist import LazyListMatcher


class ArrayPhrase(q.Phrase):
    """A Phrase matched by index/engine/vectorized.py. `lengths`: the field lengths BM25F reads (FieldLengths)."""

    def __init__(self, fieldname, words, slop=1, boost=1.0, char_ranges=None, lengths=None):
        super().__init__(fieldname, words, slop=slop, boost=boost, char_ranges=char_ranges)
        self.lengths = lengths

    def normalize(self):
        normal = super().normalize()
        if type(normal) is q.Phrase:
            return ArrayPhrase(normal.fieldname, normal.words, normal.slop, normal.boost, normal.char_ranges,
                               self.lengths)
        return normal

    def matcher(self, searcher, context=None):
        """As Phrase.matcher, but the SpanNear2 part is a PhraseMatcher over the terms' matchers."""
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            raise q.QueryError(f"Phrase search: {fieldname!r} field has no positions")
        reader = searcher.reader()
        words = []
        for word in self.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, word) not in reader:
                return matching.NullMatcher()
            words.append(word)
        # SpanNear2.matcher: one matcher per term, in order; then Phrase's boost around it.
        ms = [q.Term(fieldname, word).matcher(searcher, context) for word in words]
        m = PhraseMatcher(ms, self.slop, reader, self.lengths)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


def array_phrases(query: q.Query, lengths) -> q.Query:
    """The query with every Phrase (of any depth) an ArrayPhrase; nothing else changes."""
    if type(query) is q.Phrase:
        return ArrayPhrase(query.fieldname, query.words, query.slop, query.boost, query.char_ranges, lengths)
    if type(query) is FieldedTerm:  # its own evaluation reads the same lengths
        return query.with_lengths(lengths)
    if query.is_leaf():
        return query
    if type(query) is InDocument:  # its own evaluation reads the same lengths
        return InDocument(array_phrases(query.child, lengths), lengths)
    return query.apply(lambda child: array_phrases(child, lengths))


class PhraseMatcher(LazyListMatcher):
    """SpanNear2 (ordered, mindist 1) over term matchers, evaluated as arrays the first time it is needed.

    index/engine/vectorized.py reads `ms`, `slop`, `ordered`, `mindist` and `boost` directly while `materialised` is
    False; any matcher call first materialises it into a list of (id, score) from the same evaluation.
    """

    ordered = True
    mindist = 1
    boost = 1.0

    def __init__(self, ms, slop, reader, lengths):
        super().__init__()
        self.ms, self.slop, self._reader, self._lengths = ms, slop, reader, lengths

    def _compute(self) -> tuple[np.ndarray, np.ndarray]:
        from index.engine.vectorized import near  # vectorized imports this module's class

        return near(self, self._reader, self._lengths, None)
