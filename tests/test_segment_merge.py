"""Segments merged term by term as arrays (index/engine/segment_merge.py) give the segment Whoosh's own merge
writes: the same terms, postings, term statistics, posting blocks, stored fields, lengths and columns. Checked on
the generated index (tests/generated_index.py): terms spanning many blocks, deletions in every segment; and on the
same documents with nothing deleted, where a term of one segment keeping its postings inline is moved as its
record (index/engine/codec.py `shifted_record`) rather than read and rebuilt."""
from __future__ import annotations

import random
import shutil

import pytest
from generated_index import BLOCK_LIMIT, SEGMENTS, generated_documents, write_segment
from segment_compare import assert_same_documents, assert_same_terms
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import NO_MERGE

from index.engine.codec import RedpropCodec
from index.engine.column_copy import append_columns
from index.engine.schema import document_fields
from index.engine.search_index import SearchIndex, write_fields
from index.engine.segment_merge import merge_segments


def whooshs_merge(writer, segments):
    for segment in segments:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return []


def ours(writer, segments):
    assert merge_segments(writer, segments)
    return []


@pytest.fixture(scope="module")
def undeleted_index(tmp_path_factory) -> SearchIndex:
    """The generated documents in SEGMENTS segments with nothing deleted."""
    index = SearchIndex(tmp_path_factory.mktemp("undeleted"))
    rng = random.Random(18)
    for segment in range(SEGMENTS):
        write_segment(index, generated_documents(rng, segment), [])
    return index


@pytest.fixture(scope="module", params=["with deletions", "without deletions"])
def merged(request, tmp_path_factory):
    """An index merged into one segment both ways: {"whoosh": reader, "ours": reader}, its live passages, and
    whether ours copied posting blocks (segments without deletions: cut where the segments meet, not as
    Whoosh's)."""
    source = request.getfixturevalue("big_library").index if request.param == "with deletions" else \
        request.getfixturevalue("undeleted_index")
    with source.searcher() as searcher:
        live = searcher.doc_count()
    readers = {}
    for name, policy in (("whoosh", whooshs_merge), ("ours", ours)):
        folder = tmp_path_factory.mktemp(name)
        shutil.copytree(source.directory, folder, dirs_exist_ok=True)
        index = whoosh_index.open_dir(str(folder))
        assert len(index._segments()) == SEGMENTS
        index.writer(codec=RedpropCodec(blocklimit=BLOCK_LIMIT)).commit(mergetype=policy)
        readers[name] = whoosh_index.open_dir(str(folder)).reader()
    yield readers, live, request.param == "without deletions"
    for reader in readers.values():
        reader.close()


def test_the_merge_yields_one_segment_without_the_deleted_documents(merged):
    readers, live, _ = merged
    for reader in readers.values():
        assert reader.doc_count_all() == reader.doc_count() == live


def test_same_terms_postings_and_term_statistics(merged):
    readers, _, copies = merged
    multi_block, inlined = assert_same_terms(readers["whoosh"], readers["ours"], same_blocks=not copies)
    assert multi_block >= 10 and inlined >= 100  # the comparison did cover terms of many blocks, and inline ones


def test_same_stored_fields_lengths_and_columns(merged):
    readers, *_ = merged
    assert_same_documents(readers["whoosh"], readers["ours"])


def test_a_writer_with_documents_of_its_own_keeps_whooshs_merge(big_index, tmp_path):
    shutil.copytree(big_index.directory, tmp_path, dirs_exist_ok=True)
    index = whoosh_index.open_dir(str(tmp_path))
    writer = index.writer(codec=RedpropCodec(blocklimit=BLOCK_LIMIT))
    writer.add_document(doc_id="extra")
    assert not merge_segments(writer, index._segments())
    writer.cancel()


def test_columns_are_appended_as_bytes_only_from_segments_without_deletions(undeleted_index, big_library):
    """The comparisons above cover the byte copy (index/engine/column_copy.py) only if it runs where it should."""
    for index, copied in ((undeleted_index, True), (big_library.index, False)):
        writer = index.open_writer()
        try:
            reader = SegmentReader(writer.storage, writer.schema, index.index._segments()[0])
            assert append_columns(writer, reader, set(writer.schema.names())) is copied
            reader.close()
        finally:
            writer.cancel()


def test_segments_numbering_their_fields_differently_merge_as_whooshs(tmp_path):
    """Whoosh numbers the fields a segment has terms in, in name order: a segment without `body` numbers every
    later field differently, and its rows are merged by field name, not by their stored keys."""
    source = SearchIndex(tmp_path / "source")
    source.clear()
    rng = random.Random(7)
    for segment, dropped in ((0, ""), (1, "body")):
        writer = source.index.writer(codec=RedpropCodec(blocklimit=BLOCK_LIMIT))
        write_fields(writer, ((doc.doc_id, [{name: value for name, value in fields.items() if name != dropped}
                                            for fields in document_fields(doc)])
                              for doc in generated_documents(rng, segment)[:20]))
        writer.commit(mergetype=NO_MERGE)
    segments = source.index._segments()
    fieldmaps = [SegmentReader(source.index.storage, source.index.schema, s)._terms._fieldmap for s in segments]
    assert "body" in fieldmaps[0] and "body" not in fieldmaps[1] and fieldmaps[0].keys() - {"body"} == fieldmaps[1].keys()
    readers = {}
    for name, policy in (("whoosh", whooshs_merge), ("ours", ours)):
        folder = tmp_path / name
        shutil.copytree(source.directory, folder)
        whoosh_index.open_dir(str(folder)).writer(codec=RedpropCodec(blocklimit=BLOCK_LIMIT)).commit(mergetype=policy)
        readers[name] = whoosh_index.open_dir(str(folder)).reader()
    assert_same_terms(readers["whoosh"], readers["ours"], same_blocks=False)
    assert_same_documents(readers["whoosh"], readers["ours"])
    for reader in readers.values():
        reader.close()
