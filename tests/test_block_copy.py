"""A merge of segments without deletions moves their full posting blocks as bytes, under a header whose id base
moves their ids (index/engine/codec.py `write_merged`, `BlockMatcher`); a merge with deletions encodes its blocks
again. Blocks written before there were bases (6-element headers) read as base 0, so an index written by the old
code merges with new segments; a segment of copied blocks merged again moves their base once more. Every reader
(Whoosh's stepping, the vectorised block reader with and without its caches and skipping, whole-term reads) sees
the postings Whoosh's own merge writes."""
from __future__ import annotations

import random
import shutil
from collections import Counter

import numpy as np
import pytest
from generated_index import BLOCK_LIMIT, SEGMENTS, generated_documents, write_segment
from segment_compare import assert_same_terms
from test_segment_merge import ours, whooshs_merge
from test_staged_segment_write import generated_batch
from whoosh import index as whoosh_index
from whoosh.query import Term

from index.engine.codec import BLOCK_COMPRESSION, RedpropCodec, raw_blocks
from index.engine.search_index import SearchIndex
from index.engine.staging import write_segment as write_staged_segment
from index.engine.vectorized import posting_blocks, record_postings


def merged_copy(source, folder, policy):
    """A copy of the index folder `source`, its segments merged into one by `policy`; its reader."""
    shutil.copytree(source, folder, dirs_exist_ok=True)
    whoosh_index.open_dir(str(folder)).writer(codec=RedpropCodec(blocklimit=BLOCK_LIMIT)).commit(mergetype=policy)
    return whoosh_index.open_dir(str(folder)).reader()


def stored_blocks(reader) -> list:
    """Every posting block of the reader's segments, as stored (codec.RawBlock)."""
    found = []
    for segment_reader, _ in reader.leaf_readers():
        for fieldname, btext in segment_reader.all_terms():
            terminfo = segment_reader.term_info(fieldname, btext)
            if not terminfo.is_inlined():
                found.extend(raw_blocks(segment_reader._terms._postfile, terminfo))
    return found


@pytest.fixture(scope="module")
def generations(tmp_path_factory):
    """Readers of the generated segments merged both ways ({"whoosh", "ours"}); of those merged again with two
    more segments ({"whoosh 2", "ours 2"}, the second merge over our first one's copied blocks); and of the
    source segments, their blocks all written fresh ("sources")."""
    rng = random.Random(9)
    first = SearchIndex(tmp_path_factory.mktemp("first"))
    for segment in range(SEGMENTS):
        write_segment(first, generated_documents(rng, segment), [])
    folders = {name: tmp_path_factory.mktemp(name) for name in ("whoosh", "ours", "whoosh 2", "ours 2")}
    readers = {"sources": whoosh_index.open_dir(str(first.directory)).reader()}
    for name, policy in (("whoosh", whooshs_merge), ("ours", ours)):
        readers[name] = merged_copy(first.directory, folders[name], policy)
    second = SearchIndex(tmp_path_factory.mktemp("second"))
    shutil.copytree(folders["ours"], second.directory, dirs_exist_ok=True)
    for segment in range(SEGMENTS, SEGMENTS + 2):
        write_segment(second, generated_documents(rng, segment), [])
    for name, policy in (("whoosh 2", whooshs_merge), ("ours 2", ours)):
        readers[name] = merged_copy(second.directory, folders[name], policy)
    readers["folders"] = folders
    yield readers
    for name, reader in readers.items():
        if name != "folders":
            reader.close()


def test_a_merge_without_deletions_copies_every_full_block(generations):
    full = Counter(block.data for block in stored_blocks(generations["sources"]) if block.count == BLOCK_LIMIT)
    merged = stored_blocks(generations["ours"])
    copied = Counter(block.data for block in merged if block.data in full)
    assert not full - copied and len(full) > 50
    assert any(block.base for block in merged)  # blocks of the second and third segments moved up


def test_copied_blocks_are_copied_again_their_base_moved(generations):
    """The merged segment comes first in the second merge (no shift): its full blocks keep bytes and base."""
    first = Counter((block.data, block.base) for block in stored_blocks(generations["ours"])
                    if block.count == BLOCK_LIMIT)
    again = Counter((block.data, block.base) for block in stored_blocks(generations["ours 2"]))
    assert not first - again and any(base for _, base in first)


def test_a_merge_with_deletions_encodes_its_blocks_again(big_library, tmp_path):
    reader = merged_copy(big_library.index.directory, tmp_path, ours)
    try:
        assert all(block.base == 0 for block in stored_blocks(reader))
    finally:
        reader.close()


@pytest.mark.parametrize("generation", ["", " 2"])
def test_every_reader_sees_whooshs_postings(generations, generation):
    """Statistics, stepping, vectorised reads (assert_same_terms); then skipping within ids and whole-term reads."""
    theirs, mine = generations["whoosh" + generation], generations["ours" + generation]
    multi_block, _ = assert_same_terms(theirs, mine, same_blocks=False)
    assert multi_block >= 10
    rng = np.random.default_rng(9)
    for word in ("物业", "小区", "业主", "志愿者"):
        format_ = mine.schema["body"].format
        whole = posting_blocks(theirs._terms.matcher("body", word.encode(), format_), values=False)[0]
        within = np.sort(rng.choice(mine.doc_count_all(), size=40, replace=False))
        found = posting_blocks(mine._terms.matcher("body", word.encode(), format_), values=False, within=within)[0]
        assert set(found.tolist()) & set(within.tolist()) == set(whole.tolist()) & set(within.tolist())
        record = record_postings(mine._terms, mine.term_info("body", word.encode()), format_, values=True)
        assert record[0].tolist() == whole.tolist()


def test_searches_find_the_same_passages_with_the_same_scores(generations):
    for query in (Term("body", "物业"), Term("body", "业主委员会"), Term("body", "停车")):
        results = []
        for name in ("whoosh 2", "ours 2"):
            with whoosh_index.open_dir(str(generations["folders"][name])).searcher() as searcher:
                results.append([(hit.docnum, hit.score) for hit in searcher.search(query, limit=None)])
        assert results[0] == results[1] and results[0]


def test_a_merge_compresses_the_blocks_the_segment_worker_left_uncompressed(tmp_path):
    passages = generated_batch()
    index = SearchIndex(tmp_path)
    index.clear()
    index.adopt([write_staged_segment(tmp_path, passages[:400]), write_staged_segment(tmp_path, passages[400:])])
    with whoosh_index.open_dir(str(tmp_path)).reader() as reader:
        assert {block.compression for block in stored_blocks(reader)} == {0}
    whoosh_index.open_dir(str(tmp_path)).writer(codec=RedpropCodec()).commit(mergetype=ours)
    with whoosh_index.open_dir(str(tmp_path)).reader() as reader:
        blocks = stored_blocks(reader)
        assert {block.compression for block in blocks} == {BLOCK_COMPRESSION}
        assert any(block.base for block in blocks)  # copied, compressed on the way
