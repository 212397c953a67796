"""Writing a segment's terms from postings already grouped by term, a block at a time.

Whoosh's writer files every posting into a pool as a Python tuple, sorts the pool and hands the postings one by
one to the codec's field writer (`FieldWriter.add_postings`), which asks for each posting's field length and
checks its types. Where the postings of a term are at hand together (a merge reads them from the segments as
arrays, index/engine/segment_merge.py; a worker has them from its parse workers, index/engine/staging.py), this
hands them to the codec's postings writer a block at a time instead. The blocks are still cut, encoded and
summed up (term statistics, block maxima) by Whoosh's own writer, so the segment is the one Whoosh writes.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable

from whoosh.util.numeric import byte_to_length

# One term's postings in document order: (ids, weights, values, length bytes of the field per posting). A value
# that is empty (b"" or None) is not stored, as `add_posting` does not store it; a length byte of 0 is none.
TermPostings = tuple[list, list, list, list]


def write_terms(fieldwriter, schema, terms: Iterable[tuple[str, bytes, TermPostings]]) -> None:
    """File `terms`, ordered by (field name, term bytes), each with its postings, through the codec's field
    writer; a term whose postings are empty (every one of a deleted document) is left out."""
    current = None
    for fieldname, btext, postings in terms:
        if not postings[0]:
            continue
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current = fieldname
        fieldwriter.start_term(btext)
        add_postings(fieldwriter._postwriter, *postings)
        fieldwriter.finish_term()
    if current is not None:
        fieldwriter.finish_field()


def add_postings(postwriter, ids: list, weights: list, values: list, lengths: list) -> None:
    """What `add_posting` called once per posting would buffer, a block at a time: every full block is written,
    the last one is left for `finish_postings` (which may keep a short list inline in the term record)."""
    limit = postwriter._blocklimit
    for start in range(0, len(ids), limit):
        if start:
            postwriter._write_block()
        stop = start + limit
        present = [length for length in lengths[start:stop] if length]
        block_weights = weights[start:stop]
        postwriter._ids = array("I", ids[start:stop])
        postwriter._weights = array("f", block_weights)
        postwriter._values = [value for value in values[start:stop] if value]
        postwriter._maxweight = max(0, max(block_weights))
        postwriter._minlength = byte_to_length(min(present)) if present else None
        postwriter._maxlength = byte_to_length(max(present)) if present else 0
