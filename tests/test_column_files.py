"""Column arrays saved with each segment (index/engine/column_files.py): written by whoever writes the segment, equal
to building them from the postings, gone with their segment, and never written by a search."""
from __future__ import annotations

import numpy as np
import pytest
from search_fixtures import NARROWING_DOCUMENTS, build_library, document
from whoosh.reading import SegmentReader

from index.engine.column_files import COLUMNS_EXT, load_columns
from index.engine.columns import SegmentColumns, segment_columns
from index.engine.schema import document_fields
from index.engine.staging import write_segment
from index.results.search import SearchRequest, search
from index.store.library import Library

MORE = [document("third", "第三篇物业通知", ["物业公司公布维修资金使用明细。", "业主委员会监督。"], places=["山东省", "济南市"])]


def assert_same_columns(saved: SegmentColumns, built: SegmentColumns) -> None:
    assert saved.size == built.size
    assert np.array_equal(saved.canonical, built.canonical)
    for name in ("groups", "dates"):
        assert np.array_equal(getattr(saved, name).codes, getattr(built, name).codes), name
        assert getattr(saved, name).labels == getattr(built, name).labels, name
    assert saved.values.keys() == built.values.keys()
    for name, labels in built.values.items():
        assert np.array_equal(saved.values[name].codes, labels.codes) and saved.values[name].labels == labels.labels
    assert np.array_equal(saved.places.ptr, built.places.ptr) and np.array_equal(saved.places.ids, built.places.ids)
    assert saved.places.labels == built.places.labels


def saved_and_built(ix) -> list[tuple[SegmentColumns | None, SegmentColumns]]:
    pairs = []
    for segment in ix._segments():
        reader = SegmentReader(ix.storage, ix.schema, segment)
        try:
            pairs.append((load_columns(ix.storage, segment), segment_columns(reader)))
        finally:
            reader.close()
    return pairs


def column_files(library: Library) -> set[str]:
    return {path.name for path in library.index.directory.glob(f"*{COLUMNS_EXT}")}


def hits(library: Library, text: str) -> list[tuple]:
    result = search(library, SearchRequest(text))
    return [(hit.doc_id, hit.score) for hit in result.hits], dict(result.facets.get("places", {}))


@pytest.fixture
def two_segments(library):
    build_library(library, NARROWING_DOCUMENTS)
    build_library(library, MORE)
    return library


def test_each_committed_segment_has_its_arrays_saved(two_segments):
    pairs = saved_and_built(two_segments.index.index)
    assert len(pairs) == 2
    for saved, built in pairs:
        assert saved is not None
        assert_same_columns(saved, built)


def test_a_search_on_segments_without_saved_arrays_builds_them_and_writes_nothing(two_segments):
    expected = hits(Library(two_segments.home), "物业")
    for name in column_files(two_segments):
        (two_segments.index.directory / name).unlink()
    before = sorted(path.name for path in two_segments.index.directory.iterdir())
    assert hits(Library(two_segments.home), "物业") == expected
    assert sorted(path.name for path in two_segments.index.directory.iterdir()) == before


def test_the_next_commit_saves_what_an_older_index_lacks(two_segments):
    for name in column_files(two_segments):
        (two_segments.index.directory / name).unlink()
    build_library(two_segments, [document("fourth", "第四篇", ["社区党委牵头成立物业服务站。"])])
    assert all(saved is not None for saved, _ in saved_and_built(two_segments.index.index))


def test_a_damaged_file_is_ignored(two_segments):
    expected = hits(Library(two_segments.home), "物业")
    for name in column_files(two_segments):
        (two_segments.index.directory / name).write_bytes(b"not an archive")
    assert all(saved is None for saved, _ in saved_and_built(two_segments.index.index))
    assert hits(Library(two_segments.home), "物业") == expected


def test_merged_segments_take_their_files_with_them(two_segments):
    before = column_files(two_segments)
    assert two_segments.index.compact()
    after = column_files(two_segments)
    assert len(after) == 1 and not after & before
    [(saved, built)] = saved_and_built(two_segments.index.index)
    assert_same_columns(saved, built)


def test_a_staged_segment_brings_its_arrays_into_the_index(library):
    build_library(library, NARROWING_DOCUMENTS)
    passages = [fields for doc in MORE for fields in document_fields(doc)]
    staged = write_segment(library.index.directory, passages)
    library.index.adopt([staged])
    names = column_files(library)
    assert staged.segment.make_filename(COLUMNS_EXT) in names and len(names) == 2
    for saved, built in saved_and_built(library.index.index):
        assert_same_columns(saved, built)
