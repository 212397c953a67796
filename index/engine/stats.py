"""What an index holds per field: terms, postings and positions, for `bench/postings.py` (a size budget is
spent field by field, so the figures say where it goes)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index


@dataclass
class FieldStats:
    terms: int = 0
    postings: int = 0
    positions: int = 0  # total term frequency (weights over the field boost): the positions stored


def field_stats(directory: Path) -> tuple[int, dict[str, FieldStats]]:
    """(indexed records, per text field statistics) of the index in `directory`, read-only."""
    index = whoosh_index.open_dir(str(directory))
    with index.searcher() as searcher:
        reader = searcher.reader()
        stats: dict[str, FieldStats] = {}
        for name, field in index.schema.items():
            if not field.scorable:
                continue
            found = stats.setdefault(name, FieldStats())
            for _, info in reader.iter_field(name):
                found.terms += 1
                found.postings += info.doc_frequency()
                found.positions += round(info.weight() / (field.format.field_boost or 1))
        return reader.doc_count(), stats
