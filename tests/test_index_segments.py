"""Segments: merged in tiers (never all at once), and what our codec writes (inlined postings, cached field
lengths) reads back and merges like Whoosh's own format."""
import pytest
from search_fixtures import document
from whoosh import query as q

from index.engine.documents import passage_count
from index.engine.merging import (
    BASE_PASSAGES,
    COMPACT_BELOW_PASSAGES,
    MERGE_FACTOR,
    end_segments,
    segments_to_merge,
    tier,
)
from index.store.visibility import is_clean
from index.write import pipeline


def test_a_full_tier_is_merged_and_larger_segments_are_left_alone():
    small, large = BASE_PASSAGES // 2, BASE_PASSAGES * MERGE_FACTOR * 3
    assert segments_to_merge([small] * (MERGE_FACTOR - 1) + [large]) == []
    counts = [large] + [small] * MERGE_FACTOR
    assert segments_to_merge(counts) == list(range(1, MERGE_FACTOR + 1))


def test_merged_segments_land_one_tier_up_whatever_the_batch_size():
    for share in (0.6, 0.9, 0.96, 1.04, 1.8, 8):  # a batch's passages, as a share of a tier-0 segment's
        batch = int(share * BASE_PASSAGES)
        assert tier(batch * MERGE_FACTOR) == tier(batch) + 1
        assert tier(batch * MERGE_FACTOR**2) == tier(batch) + 2


@pytest.mark.parametrize("share", [0.8, 0.96, 4])
def test_merge_work_grows_slowly_with_the_number_of_commits(share):
    """Simulate many batch commits: every passage is rewritten only a few times (log of the corpus size), and
    the number of segments a search reads stays small."""
    batch, segments, rewritten = int(share * BASE_PASSAGES), [], 0
    for _ in range(500):
        chosen = segments_to_merge(segments)
        merged = sum(segments[i] for i in chosen)
        rewritten += merged
        segments = [count for i, count in enumerate(segments) if i not in chosen] + [merged + batch]
    total = 500 * batch
    assert sum(segments) == total
    assert rewritten < 5 * total
    assert len(segments) <= 4 * MERGE_FACTOR


def test_many_small_commits_merge_and_every_passage_stays_findable(library):
    for number in range(MERGE_FACTOR + 2):  # one commit each: enough for a merge
        library.index.update([document(f"doc{number}", f"第{number}号通知", [f"小区{number}号楼加装电梯。", "业委会公示。"])])
    index = library.index.index
    assert len(index._segments()) < MERGE_FACTOR + 2
    with library.index.searcher() as searcher:
        assert passage_count(searcher) == 2 * (MERGE_FACTOR + 2)
        assert len(searcher.search(q.Term("body", "电梯"), limit=None)) == MERGE_FACTOR + 2
        # a term without position values: the document's record and its two passages
        assert len(searcher.search(q.Term("doc_id", "doc3"), limit=None)) == 3
        assert len(searcher.search(q.Phrase("body", ["加装", "电梯"]), limit=None)) == MERGE_FACTOR + 2
        assert len(searcher.search(q.Phrase("grams", ["第3", "3号"]), limit=None)) == 1  # the title's, once


def test_small_segments_are_compacted_only_when_there_are_several():
    large = COMPACT_BELOW_PASSAGES * 4
    assert end_segments([large, 100]) == []
    assert end_segments([large, 100, 2_000]) == [1, 2]


def test_compaction_also_merges_a_full_tier_of_segments_too_large_to_be_small():
    """An ingest's last batch is adopted without a merge: a tier it fills is merged at the end, with the small."""
    batch = COMPACT_BELOW_PASSAGES + 1_000  # larger than small, still the lowest tier
    large = BASE_PASSAGES * MERGE_FACTOR
    assert end_segments([large, *[batch] * (MERGE_FACTOR - 2), 100]) == []  # one small, the tier not full
    assert end_segments([large, *[batch] * (MERGE_FACTOR - 1), 100]) == list(range(1, MERGE_FACTOR + 1))


def test_an_ingest_run_ends_with_its_small_segments_merged(library, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH_FILES", 2)  # five batches, five segments, before compaction
    for number in range(10):
        (tmp_path / f"{number}.txt").write_text(f"第{number}号通知\n\n小区{number}号楼加装电梯,业委会公示。",
                                                  encoding="utf-8")
    pipeline.ingest_paths([tmp_path], library, guarded=False)
    assert len(library.index.index._segments()) == 1
    with library.index.searcher() as searcher:
        assert len(searcher.search(q.Term("body", "电梯"), limit=None)) == 10
    assert is_clean(library)  # compaction changed the layout, not what is visible


def test_a_merge_keeps_every_live_posting_and_drops_the_deleted(library):
    """Merging streams each segment's postings into the new one: the merged index must answer exactly as the
    segments did, positions included, without the passages deleted before the merge."""
    documents = [document(f"doc{number}", f"第{number}号通知", [f"{number}号楼加装电梯。", "业委会公示名单。"])
                 for number in range(4)]
    library.index.update(documents[:3])  # one segment, a deleted passage in its middle
    library.index.update(documents[3:])
    library.index.update([], removed_doc_ids=["doc1"])

    def answers():
        with library.index.searcher() as searcher:
            return {query: sorted(f"{hit['doc_id']}/{hit.get('passage_id')}" for hit in searcher.search(query, limit=None))
                    for query in (q.Term("body", "电梯"), q.Phrase("body", ["加装", "电梯"]), q.Term("body", "公示"),
                                  q.Phrase("grams", ["2号", "号通"]))}

    before = answers()
    assert library.index.compact()
    library.index.reopen()
    assert len(library.index.index._segments()) == 1
    assert answers() == before
    assert not any("doc1" in passage for found in before.values() for passage in found)
    assert len(before[q.Phrase("body", ["加装", "电梯"])]) == 3
