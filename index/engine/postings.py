"""Posting values computed where the text was analysed (a worker process), so the index writer only files them.

For every value of a text field, Whoosh's writer asks the field's format for (term, frequency, weight,
encoded positions) per distinct term; building those from tokens was most of the writer's Python time.
`with_postings` computes them ahead from our own Term lists, and `PrecomputedPositions` hands them to the
writer unchanged (any other value is analysed as usual, e.g. by `redprop reindex` in one process).
"""
from __future__ import annotations

from whoosh.fields import FieldType
from whoosh.formats import Positions

from index.analysis import PreAnalyzed, Term


class PrecomputedPositions(Positions):
    """Whoosh's positions format, taking a value's precomputed postings when it carries them."""

    def word_values(self, value, analyzer, **kwargs):
        postings = getattr(value, "postings", None)
        if postings is not None:
            return postings
        return super().word_values(value, analyzer, **kwargs)


def precomputed(field: FieldType) -> FieldType:
    """`field` (a TEXT field with positions) reading precomputed postings."""
    field.format = PrecomputedPositions(field_boost=field.format.field_boost)
    return field


def postings(terms: list[Term], field_boost: float = 1.0) -> list[tuple[str, int, float, bytes]]:
    """What Positions.word_values yields for these terms: one entry per distinct term, in first-seen order."""
    positions: dict[str, list[int]] = {}
    for term in terms:
        positions.setdefault(term.text, []).append(term.pos)
    encode = Positions().encode
    return [(text, len(found), len(found) * field_boost, encode(found)) for text, found in positions.items()]


def with_postings(fields: dict, schema) -> dict:
    """`fields` with each pre-analysed text value replaced by its postings (terms dropped: smaller to pickle)."""
    ready = dict(fields)
    for name, value in fields.items():
        if isinstance(value, PreAnalyzed) and isinstance(schema[name].format, PrecomputedPositions):
            carried = PreAnalyzed(str(value))
            carried.postings = postings(value.terms, schema[name].format.field_boost)
            ready[name] = carried
    return ready
