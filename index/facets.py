"""Facet counts for a result set: how many results per place, year, document type and source.

Kept in one function so a faster implementation (cached column readers, bitsets) can replace it without
touching search(). A result is a group: a document with its reposts (collapsed) or a single passage.
"""
from __future__ import annotations

from collections import Counter

FACET_FIELDS = ("places", "year", "doc_type", "source")
UNKNOWN_YEAR = "未知"


def count_facets(searcher, docnums: list[int], group_field: str) -> tuple[dict[str, dict[str, int]], int]:
    """Counts per facet value over the results `docnums` fall into, and the number of results.

    Each result counts once, with the fields of its canonical document where that matched (else the first
    matching one), so the single-valued facets (year, doc_type, source) add up to the total.
    """
    representatives: dict[str, dict] = {}
    for docnum in docnums:
        fields = searcher.stored_fields(docnum)
        key = fields.get(group_field) or fields["doc_id"]
        if key not in representatives or fields["doc_id"] == key:
            representatives[key] = fields
    counts = {name: Counter() for name in FACET_FIELDS}
    for fields in representatives.values():
        for place in filter(None, (fields.get("places") or "").split(",")):
            counts["places"][place] += 1
        counts["year"][fields.get("year") or UNKNOWN_YEAR] += 1
        counts["doc_type"][fields.get("doc_type")] += 1
        counts["source"][fields.get("source")] += 1
    return {name: dict(counter.most_common()) for name, counter in counts.items()}, len(representatives)
