"""Segments merged term by term as arrays (index/engine/segment_merge.py) give the segment Whoosh's own merge
writes: the same terms, postings, term statistics, posting blocks, stored fields, lengths and columns. Checked on
the generated index (tests/generated_index.py): terms spanning many blocks, deletions in every segment."""
from __future__ import annotations

import shutil

import pytest
from generated_index import BLOCK_LIMIT, SEGMENTS
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

from index.engine.codec import RedpropCodec
from index.engine.segment_merge import merge_segments
from index.engine.vectorized import posting_blocks


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
def merged(big_library, tmp_path_factory):
    """The generated index merged into one segment both ways: {"whoosh": reader, "ours": reader}."""
    readers = {}
    for name, policy in (("whoosh", whooshs_merge), ("ours", ours)):
        folder = tmp_path_factory.mktemp(name)
        shutil.copytree(big_library.index.directory, folder, dirs_exist_ok=True)
        index = whoosh_index.open_dir(str(folder))
        assert len(index._segments()) == SEGMENTS
        index.writer(codec=RedpropCodec(blocklimit=BLOCK_LIMIT)).commit(mergetype=policy)
        readers[name] = whoosh_index.open_dir(str(folder)).reader()
    yield readers
    for reader in readers.values():
        reader.close()


def blocks(reader, fieldname, btext):
    """Every posting block of a term as (postings, last id, max weight, min length, max length), or the inline list."""
    terminfo = reader.term_info(fieldname, btext)
    matcher = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
    if terminfo.is_inlined():
        return [("inline", terminfo.inlined_postings())]
    found = []
    while matcher.is_active():
        found.append((matcher._blocklength, matcher._maxid, matcher._maxweight, matcher._minlength, matcher._maxlength))
        matcher._next_block()
    return found


def test_the_merge_yields_one_segment_without_the_deleted_documents(merged, big_index):
    with big_index.searcher() as searcher:
        live = searcher.doc_count()
    for reader in merged.values():
        assert reader.doc_count_all() == reader.doc_count() == live


def test_same_terms_postings_and_term_statistics(merged):
    theirs, ours_ = merged["whoosh"], merged["ours"]
    terms = list(theirs.all_terms())
    assert terms == list(ours_.all_terms())
    multi_block = 0
    for fieldname, btext in terms:
        a, b = theirs.term_info(fieldname, btext), ours_.term_info(fieldname, btext)
        assert (a.weight(), a.doc_frequency(), a.min_length(), a.max_length(), a.max_weight(), a.min_id(),
                a.max_id()) == (b.weight(), b.doc_frequency(), b.min_length(), b.max_length(), b.max_weight(),
                                b.min_id(), b.max_id()), (fieldname, btext)
        block_list = blocks(theirs, fieldname, btext)
        assert block_list == blocks(ours_, fieldname, btext), (fieldname, btext)
        multi_block += len(block_list) > 2
        if not a.is_inlined():
            format_ = theirs.schema[fieldname].format
            mine = posting_blocks(ours_._terms.matcher(fieldname, btext, format_), values=True)
            whoosh = posting_blocks(theirs._terms.matcher(fieldname, btext, format_), values=True)
            assert mine[0].tolist() == whoosh[0].tolist() and mine[1].tolist() == whoosh[1].tolist()
            assert mine[2] == whoosh[2]
    assert multi_block >= 10  # the comparison did cover terms of many blocks


def test_same_stored_fields_lengths_and_columns(merged):
    theirs, ours_ = merged["whoosh"], merged["ours"]
    assert list(theirs.iter_docs()) == list(ours_.iter_docs())
    for fieldname in theirs.schema.names():
        assert ([theirs.doc_field_length(d, fieldname) for d in range(theirs.doc_count_all())]
                == [ours_.doc_field_length(d, fieldname) for d in range(ours_.doc_count_all())])
        if theirs.has_column(fieldname):
            assert list(theirs.column_reader(fieldname)) == list(ours_.column_reader(fieldname))


def test_a_writer_with_documents_of_its_own_keeps_whooshs_merge(big_index, tmp_path):
    shutil.copytree(big_index.directory, tmp_path, dirs_exist_ok=True)
    index = whoosh_index.open_dir(str(tmp_path))
    writer = index.writer(codec=RedpropCodec(blocklimit=BLOCK_LIMIT))
    writer.add_document(doc_id="extra")
    assert not merge_segments(writer, index._segments())
    writer.cancel()
