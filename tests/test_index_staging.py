"""Segments written by workers (index/engine/staging.py): invisible until the writer adopts them in one commit,
an upsert by document like any other index write, and nothing left behind by a run that never adopted them."""
from __future__ import annotations

from index.engine.staging import merge_in_staging, staging_root, write_segment
from index.write.pipeline import ingest_paths
from index.write.prepare import prepare_file


def _prepared(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (document,) = prepare_file(path, path.read_bytes()).documents
    return document.document.doc_id, document.passages()


def _indexed_passages(library) -> list[str]:
    with library.index.searcher() as searcher:
        return sorted(fields["passage_id"] for fields in searcher.all_stored_fields() if "passage_id" in fields)


def test_a_staged_segment_is_seen_only_once_adopted_and_replaces_the_documents_it_holds(library, tmp_path):
    old_id, old_passages = _prepared(tmp_path, "a.txt", "业委会换届\n社区党委指导业委会完成换届选举。\n")
    new_id, new_passages = _prepared(tmp_path, "b.txt", "物业服务站\n小区设立红色物业服务站,党员轮流值守。\n")
    library.index.update_fields([(old_id, old_passages)])
    before = _indexed_passages(library)

    staged = write_segment(library.index.directory, old_passages + new_passages)
    assert staged.passages == len(old_passages) + len(new_passages)
    assert _indexed_passages(library) == before  # written, not listed: no reader sees it

    library.index.adopt([staged], [old_id, new_id])
    after = _indexed_passages(library)
    expected = sorted(p["passage_id"] for p in old_passages + new_passages if "passage_id" in p)  # not records
    assert after == expected  # the old copy of a.txt is gone
    assert library.index.indexed_doc_ids() == {old_id, new_id}
    assert not any(staging_root(library.index.directory).iterdir())


def test_the_next_writer_clears_segments_an_interrupted_run_staged(library, tmp_path):
    doc_id, passages = _prepared(tmp_path, "a.txt", "业委会换届\n社区党委指导业委会完成换届选举。\n")
    abandoned = write_segment(library.index.directory, passages)  # as if the writer died before adopting it
    path = tmp_path / "b.txt"
    path.write_text("物业服务站\n小区设立红色物业服务站,党员轮流值守。\n", encoding="utf-8")

    report = ingest_paths([path], library, guarded=False)

    assert report.by_status("ingested")
    assert not abandoned.folder.exists()
    assert doc_id not in library.index.indexed_doc_ids()


def _three_small_segments(library, tmp_path) -> list[str]:
    texts = ["业委会换届\n社区党委指导业委会完成换届选举。\n", "物业服务站\n小区设立红色物业服务站,党员轮流值守。\n",
             "维修资金\n业主大会表决通过电梯维修资金的使用方案。\n"]
    doc_ids = []
    for number, text in enumerate(texts):
        doc_id, passages = _prepared(tmp_path, f"{number}.txt", text)
        library.index.adopt([write_segment(library.index.directory, passages)], [doc_id])
        doc_ids.append(doc_id)
    return doc_ids


def test_small_segments_merged_in_staging_take_their_sources_place(library, tmp_path):
    doc_ids = _three_small_segments(library, tmp_path)
    before = _indexed_passages(library)
    sources = library.index.to_compact()
    assert len(sources) == 3

    staged = merge_in_staging(library.index.directory, sources)
    assert _indexed_passages(library) == before  # merged, not listed yet
    assert library.index.adopt_compacted(staged, sources)

    assert len(library.index.index._segments()) == 1
    assert _indexed_passages(library) == before
    assert library.index.indexed_doc_ids() == set(doc_ids)
    assert not any(staging_root(library.index.directory).iterdir())


def test_a_merge_in_staging_is_dropped_if_its_sources_changed_meanwhile(library, tmp_path):
    doc_ids = _three_small_segments(library, tmp_path)
    sources = library.index.to_compact()
    staged = merge_in_staging(library.index.directory, sources)
    library.index.update_fields([], [doc_ids[0]])  # a commit deletes from a source after the merge read it

    assert not library.index.adopt_compacted(staged, sources)
    assert not staged.folder.exists()
    assert library.index.indexed_doc_ids() == set(doc_ids[1:])
