"""When index segments are merged: tiers of similar size, so total merge work grows as n log n.

Every batch commit writes one segment. Whoosh's default policy (MERGE_SMALL, as whoosh-reloaded has it) lets
segments pile up until a Fibonacci bound is crossed and then merges them all, so every few dozen batches the
whole index is rewritten: quadratic in the corpus size. Here a segment's tier is its passage count's
logarithm to the base MERGE_FACTOR, rounded half up: MERGE_FACTOR segments of one tier merge into a segment exactly one
tier up (rounding keeps it in the middle of that tier; flooring left merged segments straddling a boundary,
half in each tier, and they never merged again). A search reads about MERGE_FACTOR segments per tier at most
(a handful of tiers at 10^6 passages). At the end of an ingest run the small segments, and a tier its last batch
filled, are merged into one (`compact`), since every segment costs each query a fixed amount of work.
"""
from __future__ import annotations

import math

from whoosh.reading import SegmentReader

from index.engine.segment_merge import merge_segments

# Each passage is rewritten about log(N / BASE_PASSAGES, MERGE_FACTOR) times over a corpus of N passages, and each
# merge pays per term per segment it reads: larger first segments and a larger factor mean fewer, larger merges.
# A rewrite costs about what writing the passages cost in the first place, in the one writer process: with 10,
# 100k documents (800k passages) were rewritten twice, with 30 once, for the same number of segments (13).
MERGE_FACTOR = 30
BASE_PASSAGES = 2000  # about one batch's segment (index/write/pipeline.py BATCH_FILES); smaller ones are tier 0
# At the end of an ingest run, segments smaller than this are merged into one: every segment a search opens costs
# per-query work (term lookups, matchers, columns: 4 segments doubled p50 against 1 on the 1k bench index), and
# the small ones are cheap to rewrite (at most MERGE_FACTOR - 1 segments of the lowest tier).
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
    merge_into(writer, [segments[position] for position in sorted(chosen)])
    return [segment for position, segment in enumerate(segments) if position not in chosen]


def merge_into(writer, segments: list, storage=None) -> None:
    """Append `segments` (read from `storage`, by default the writer's) to the writer's new segment."""
    if segments and not merge_segments(writer, segments, storage):  # documents of its own: Whoosh's merge
        for segment in segments:
            reader = SegmentReader(storage or writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()


def end_segments(counts: list[int]) -> list[int]:
    """Indexes of the segments compact() merges: the small ones and the tier a commit would merge now, if that
    makes at least two. An ingest run adopts its last batch without merging (index/write/pipeline.py), so a tier
    it fills at its end is merged here, by a worker while the writer reads the index for learning."""
    chosen = set(segments_to_merge(counts))
    chosen.update(position for position, count in enumerate(counts) if count < COMPACT_BELOW_PASSAGES)
    return sorted(chosen) if len(chosen) > 1 else []


def compact(writer, segments: list) -> list:
    """A Whoosh merge policy for the end of an ingest run: merge the small segments (and a full tier) into one."""
    return _merge(writer, segments, set(end_segments([segment.doc_count() for segment in segments])))
