"""When index segments are merged: tiers of similar size, so total merge work grows as n log n.

Every batch commit writes one segment. Whoosh's default policy (MERGE_SMALL, as whoosh-reloaded has it) lets
segments pile up until a Fibonacci bound is crossed and then merges them all, so every few dozen batches the
whole index is rewritten: quadratic in the corpus size. Here a segment's tier is its passage count's
logarithm to the base MERGE_FACTOR, rounded half up: MERGE_FACTOR segments of one tier merge into a segment exactly one
tier up (rounding keeps it in the middle of that tier; flooring left merged segments straddling a boundary,
half in each tier, and they never merged again). A search reads about MERGE_FACTOR segments per tier at most
(a handful of tiers at 10^6 passages). At the end of an ingest run the small segments are merged into one
(`compact`), since every segment costs each query a fixed amount of work.

A merge streams (`_merge`): each segment's postings come out of its reader already sorted by field, term and
document, so renumbered and interleaved (heapq.merge, as Whoosh's MpWriter joins its sub-segments) they go
straight to the new segment's field writer. Whoosh's own `add_reader` puts every posting into the writer's
external sorting pool instead (spilling sorted runs to disk and reading them back): most of what a merge cost.
"""
from __future__ import annotations

import math
from heapq import merge as interleave

from whoosh.reading import SegmentReader

MERGE_FACTOR = 6
BASE_PASSAGES = 500  # about one batch's segment; smaller segments all count as tier 0
# At the end of an ingest run, segments smaller than this are merged into one: every segment a search opens costs
# per-query work (term lookups, matchers, columns: 4 segments doubled p50 against 1 on the 1k bench index), and
# the small ones are cheap to rewrite (at most MERGE_FACTOR - 1 of each of the two lowest tiers).
COMPACT_BELOW_PASSAGES = 5_000


def tier(passages: int) -> int:
    return max(0, math.floor(math.log(max(passages, 1) / BASE_PASSAGES, MERGE_FACTOR) + 0.5))


def segments_to_merge(counts: list[int]) -> list[int]:
    """Indexes of the segments to merge now, given their live passage counts (the lowest full tier)."""
    tiers: dict[int, list[int]] = {}
    for position, count in enumerate(counts):
        tiers.setdefault(tier(count), []).append(position)
    full = [level for level, members in tiers.items() if len(members) >= MERGE_FACTOR]
    return tiers[min(full)] if full else []


def tiered_merge(writer, segments: list) -> list:
    """A Whoosh merge policy: merge one full tier into the writer's new segment; returns the segments kept."""
    return _merge(writer, segments, set(segments_to_merge([segment.doc_count() for segment in segments])))


def _merge(writer, segments: list, chosen: set[int]) -> list:
    """Write the chosen segments, and what the writer added itself, into the writer's new segment, streaming
    (module docstring); returns the segments kept beside it. Deleted passages are left out (each reader skips
    them, and Whoosh's `write_per_doc` numbers only the live ones)."""
    if not chosen:
        return segments
    readers = [SegmentReader(writer.storage, writer.schema, segments[position]) for position in sorted(chosen)]
    try:
        streams = [writer.pool.iter_postings()] if writer._added else []  # the writer's own passages come first
        for reader in readers:
            first = writer.docnum
            fields = set(writer.schema.names()) | {name for name in reader.indexed_field_names() if name in writer.schema}
            renumbered = writer.write_per_doc(fields, reader)
            streams.append(writer._process_posts(reader.iter_postings(), first, renumbered))
        writer.perdocwriter.close()
        lengths = writer.per_document_reader() if writer.codec.length_stats else None
        try:
            writer.fieldwriter.add_postings(writer.schema, lengths, interleave(*streams))
        finally:
            if lengths is not None:
                lengths.close()
    finally:
        for reader in readers:
            reader.close()
    writer._close_segment()
    writer._assemble_segment()
    writer._added = False  # written: the commit must not flush this segment a second time
    return [segment for position, segment in enumerate(segments) if position not in chosen] + [writer.get_segment()]


def small_segments(counts: list[int]) -> list[int]:
    """Indexes of the segments compact() merges: the small ones, if there are at least two."""
    small = [position for position, count in enumerate(counts) if count < COMPACT_BELOW_PASSAGES]
    return small if len(small) > 1 else []


def compact(writer, segments: list) -> list:
    """A Whoosh merge policy for the end of an ingest run: merge the small segments into one."""
    return _merge(writer, segments, set(small_segments([segment.doc_count() for segment in segments])))
