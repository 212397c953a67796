"""The decoded-block cache (index/engine/blockcache.py): what it gives is what decoding gives, it stays within its
budget, and a block of another file at the same address is not mistaken for a cached one."""
from __future__ import annotations

import numpy as np

from index.engine.blockcache import BlockCache, decode


def body_matchers(index, word: str = "物业"):
    with index.searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            reader = sub.reader()
            yield reader._terms.matcher("body", word.encode(), reader.schema["body"].format)


def blocks_of(matcher):
    while matcher.is_active():
        yield matcher
        matcher._next_block()


def test_a_cached_block_equals_a_decoded_one(big_index):
    cache = BlockCache()
    for matcher in body_matchers(big_index):
        for block in blocks_of(matcher):
            ids, weights, data = cache.block(block)
            again = cache.block(block)  # the second time from the cache
            assert again[0] is ids and again[2] is data
            block._data = None
            fresh_ids, fresh_weights, fresh_data = decode(block)
            assert np.array_equal(ids, fresh_ids) and np.array_equal(weights, fresh_weights)
            assert data == fresh_data
            assert not ids.flags.writeable


def test_the_cache_stays_within_its_budget_and_keeps_the_latest(big_index):
    cache = BlockCache(budget_bytes=20_000)
    seen = []
    for matcher in body_matchers(big_index):
        for block in blocks_of(matcher):
            cache.block(block)
            seen.append((id(block._postfile), block._dataoffset))
            assert cache.size <= cache.budget
    assert len(seen) > len(cache._entries) > 0
    assert list(cache._entries)[-1] == seen[-1]


def test_a_closed_files_entry_is_not_served_for_a_new_file(big_index):
    cache = BlockCache()
    matcher = next(body_matchers(big_index))
    ids, _, _ = cache.block(matcher)
    key = (id(matcher._postfile), matcher._dataoffset)
    _, *rest = cache._entries[key]
    cache._entries[key] = (lambda: None, *rest)  # as if that file were gone and its address reused
    matcher._data = None
    assert cache.block(matcher)[0] is not ids
    assert cache._entries[key][0]() is matcher._postfile  # the new file's block replaced it


def test_a_whole_term_read_again_is_the_same_and_a_partly_read_one_is_not_kept(big_index, monkeypatch):
    from index.engine import vectorized
    from index.engine.blockcache import FileCache

    monkeypatch.setattr(vectorized, "TERM_POSTINGS", FileCache(2**20))
    with big_index.searcher() as searcher:
        reader = searcher.leaf_searchers()[0][0].reader()

        def body(word):
            return vectorized.unwrapped(reader.postings("body", word))[0]

        advanced = body("小区")
        advanced._next_block()  # as an enclosing intersection may leave it
        rest = vectorized.posting_blocks(advanced, values=False)
        assert not vectorized.TERM_POSTINGS._entries
        first = vectorized.posting_blocks(body("物业"), values=False)
        assert len(vectorized.TERM_POSTINGS._entries) == 1
        whole = vectorized.posting_blocks(body("小区"), values=False)
        assert whole[0][-len(rest[0]):].tolist() == rest[0].tolist()
        again = vectorized.posting_blocks(body("物业"), values=False)
        wanted = first[0][::3].copy()
        part = vectorized.posting_blocks(body("物业"), values=False, within=wanted)
    assert np.shares_memory(again[0], first[0]) and again[0].tolist() == first[0].tolist()  # from the cache
    assert again[1].tolist() == first[1].tolist()
    assert part[0].tolist() == wanted.tolist() and part[1].tolist() == first[1][::3].tolist()


def test_a_term_asked_within_many_of_its_ids_is_read_whole_once(big_index, monkeypatch):
    """Within ids as dense as a block's worth, the term is read whole and kept (a phrase of two common words asks
    within its known matches on every query); within a few ids, only their blocks are read and nothing is kept."""
    from index.engine import vectorized
    from index.engine.blockcache import FileCache

    monkeypatch.setattr(vectorized, "TERM_POSTINGS", FileCache(2**20))
    with big_index.searcher() as searcher:
        reader = searcher.leaf_searchers()[0][0].reader()

        def body(word):
            return vectorized.unwrapped(reader.postings("body", word))[0]

        every_id = vectorized.posting_blocks(body("物业"), values=False, cached=False)[0]
        vectorized.TERM_POSTINGS._entries.clear()
        assert len(every_id) > vectorized.BLOCK_POSTINGS  # more than one block
        few = every_id[-1:].copy()
        # (the ids of the blocks read, or exactly those asked for: callers keep the ones they asked for)
        assert set(few) <= set(vectorized.posting_blocks(body("物业"), values=False, within=few)[0])
        assert not vectorized.TERM_POSTINGS._entries
        dense = every_id[::2].copy()
        assert set(dense) <= set(vectorized.posting_blocks(body("物业"), values=False, within=dense)[0])
        assert len(vectorized.TERM_POSTINGS._entries) == 1


def test_a_walked_terms_directory_finds_the_same_blocks_within_ids(big_index, monkeypatch):
    """After one walk over a term, reading it within some ids goes straight to their blocks (no header walk) and
    gives what walking gives: the postings of every block holding one of them, values included, none skipped."""
    from index.engine import vectorized
    from index.engine.blockcache import FileCache

    monkeypatch.setattr(vectorized, "TERM_POSTINGS", FileCache(0))  # never kept: every read is block by block
    monkeypatch.setattr(vectorized, "BLOCK_DIRECTORIES", FileCache(2**20))
    with big_index.searcher() as searcher:
        reader = searcher.leaf_searchers()[0][0].reader()

        def body(word):
            return vectorized.unwrapped(reader.postings("body", word))[0]

        every = vectorized.posting_blocks(body("物业"), values=True)
        walked_blocks = len(vectorized.BLOCK_DIRECTORIES.peek(body("物业")._postfile, body("物业")._startoffset)[0])
        assert walked_blocks > 1
        for within in (every[0][-1:], every[0][:2], every[0][::50], np.array([every[0][-1] + 1])):
            matcher = body("物业")
            direct = vectorized.posting_blocks(matcher, values=True, within=within.copy())
            assert not matcher.is_active()
            monkeypatch.setattr(vectorized, "BLOCK_DIRECTORIES", FileCache(0))
            walking = vectorized.posting_blocks(body("物业"), values=True, within=within.copy())
            monkeypatch.setattr(vectorized, "BLOCK_DIRECTORIES", FileCache(2**20))
            vectorized.posting_blocks(body("物业"), values=False)  # walk again: the directory is back
            assert direct[0].tolist() == walking[0].tolist() and direct[1].tolist() == walking[1].tolist()
            assert direct[2] == walking[2]
            assert set(within.tolist()) & set(every[0].tolist()) <= set(direct[0].tolist())
