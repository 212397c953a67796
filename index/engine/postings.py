"""Posting values computed where the text was analysed (a worker process), so the index writer only files them;
and the compact encoding of their positions.

For every value of a text field, Whoosh's writer asks the field's format for (term, frequency, weight,
encoded positions) per distinct term; building those from tokens was most of the writer's Python time.
`with_postings` computes them ahead from our own analysis (a passage's cut, or a Term list), as `Postings`, and
`CompactPositions` hands them to the writer unchanged (any other value is analysed as usual, e.g. by `redprop
reindex` in one process).

Whoosh's Positions format stores a posting's positions as a 4-byte count and a pickled list (13 bytes for one
position); most postings have one or two. `CompactPositions` stores the deltas as an array of the narrowest
unsigned width that holds them, after one byte naming that width (2 bytes for one position), decoded by
`array` at C speed. The class name is pickled into an index: an index written with Whoosh's encoding names
another class, and is rebuilt (index/engine/search_index.py `IndexFormatError`).
"""
from __future__ import annotations

import sys
from array import array
from itertools import accumulate

import numpy as np
from whoosh.fields import FieldType
from whoosh.formats import Positions

from index.analysis import PreAnalyzed

# Width in bytes → array typecode (unsigned); the first byte of a value names the width.
_TYPECODES = {1: "B", 2: "H", 4: "I" if array("I").itemsize == 4 else "L"}
_LIMITS = ((0xFF, 1), (0xFFFF, 2))
_SWAP = sys.byteorder == "big"  # values are little-endian on disk whatever the machine


_ONE_BYTE = [bytes((1, position)) for position in range(0x100)]  # a posting at one early position: shared values


def encode_positions(positions: list[int]) -> bytes:
    if len(positions) == 1:  # most postings: one position, encoded without building an array
        position = positions[0]
        if position <= 0xFF:
            return _ONE_BYTE[position]
        if position <= 0xFFFF:
            return b"\x02" + position.to_bytes(2, "little")
    deltas = [b - a for a, b in zip([0, *positions], positions)]
    largest = max(deltas, default=0)
    width = next((size for limit, size in _LIMITS if largest <= limit), 4)
    packed = array(_TYPECODES[width], deltas)
    if _SWAP:
        packed.byteswap()
    return bytes((width,)) + packed.tobytes()


def decode_positions(value: bytes) -> list[int]:
    if not value:
        return []
    packed = array(_TYPECODES[value[0]], value[1:])
    if _SWAP:
        packed.byteswap()
    return list(accumulate(packed))


def decode_positions_many(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(count per value, every value's positions concatenated) for many postings at once: what
    decode_positions gives each, without a Python call per posting (a phrase checks thousands of candidates)."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    data = np.frombuffer(b"".join(values), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    filled = lengths > 0
    widths = np.zeros(len(values), dtype=np.int64)
    widths[filled] = data[starts[filled]]
    counts = np.zeros(len(values), dtype=np.int64)
    counts[filled] = (lengths[filled] - 1) // widths[filled]
    deltas = np.zeros(int(counts.sum()), dtype=np.int64)
    firsts = np.cumsum(counts) - counts  # where each value's positions start in the result
    for width in np.unique(widths[filled]).tolist():
        chosen = np.flatnonzero(widths == width)
        payload = data[_ranges(starts[chosen] + 1, lengths[chosen] - 1)]
        deltas[_ranges(firsts[chosen], counts[chosen])] = payload.view(f"<u{width}")
    running = np.cumsum(deltas)
    before = np.zeros(len(values), dtype=np.int64)  # the running sum where each value starts
    later = firsts > 0
    before[later] = running[firsts[later] - 1]
    return counts, running - np.repeat(before, counts)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenated ranges [start, start + length), as one index array."""
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))


class Postings(tuple):
    """A text field's value as ingest's workers hand it on: its postings alone, (term, frequency, weight, encoded
    positions) per distinct term (`with_postings`). Text fields are not stored, so the writer needs nothing else.
    A tuple, not a string carrying them: unpickled at C speed, where the string's class ran a Python `__new__`
    and set its attributes per field of every passage (docs/ingest-performance.md, "A passage's postings from its
    cut")."""

    __slots__ = ()


class CompactPositions(Positions):
    """Whoosh's positions format with compact values, taking a value's precomputed postings when it has them."""

    def word_values(self, value, analyzer, **kwargs):
        if isinstance(value, Postings):
            return value
        return super().word_values(value, analyzer, **kwargs)

    def encode(self, poslist):
        return encode_positions(poslist)

    def decode_positions(self, valuestring):
        return decode_positions(valuestring)

    def decode_frequency(self, valuestring):
        return (len(valuestring) - 1) // valuestring[0] if valuestring else 0

    def decode_weight(self, valuestring):
        return self.decode_frequency(valuestring) * self.field_boost


def precomputed(field: FieldType) -> FieldType:
    """`field` (a TEXT field with positions) with compact positions, reading precomputed postings."""
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def grouped_postings(positions: dict[str, list[int]], field_boost: float = 1.0) -> Postings:
    """What Positions.word_values yields for terms given with their positions (`PreAnalyzed.positions`): one entry
    per distinct term, in the dict's (first-seen) order."""
    # Most terms occur once, early: their weight is the boost and their value a shared one.
    return Postings([(text, 1, field_boost, _ONE_BYTE[found[0]]) if len(found) == 1 and found[0] <= 0xFF
                     else (text, len(found), len(found) * field_boost, encode_positions(found))
                     for text, found in positions.items()])


def with_postings(fields: dict, schema) -> dict:
    """`fields` with each pre-analysed text value replaced by its postings (`Postings`: terms and text dropped,
    smaller and cheaper to pickle)."""
    ready = dict(fields)
    for name, value in fields.items():
        if isinstance(value, PreAnalyzed) and isinstance(schema[name].format, CompactPositions):
            ready[name] = grouped_postings(value.positions(), schema[name].format.field_boost)
    return ready
