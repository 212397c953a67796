"""Bulk ingestion in worker processes gives the same library as the one-process path, and searchers follow commits."""
from __future__ import annotations

from index.library import Library
from index.search import SearchRequest, search
from ingest import pipeline


def snapshot(library: Library) -> tuple:
    result = search(library, SearchRequest("物业", size=100))
    hits = sorted((hit.doc_id, hit.passage_id) for hit in result.hits)
    return result.total, hits, result.facets, sorted(d["doc_id"] for d in library.store.list_documents())


def test_parallel_path_builds_the_same_library(corpus_copy, tmp_path, monkeypatch):
    serial = Library(tmp_path / "serial")
    assert not pipeline.ingest_paths([corpus_copy], serial).failed
    (corpus_copy / "broken.txt").write_bytes(b"")
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 2)
    parallel = Library(tmp_path / "parallel")
    report = pipeline.ingest_paths([corpus_copy], parallel)
    assert [o.path for o in report.by_status("failed")] == [str(corpus_copy / "broken.txt")]
    assert snapshot(parallel) == snapshot(serial)
    again = pipeline.ingest_paths([corpus_copy], parallel)  # unchanged files are skipped, nothing duplicated
    assert len(again.by_status("unchanged")) == 5 and snapshot(parallel) == snapshot(serial)
    assert not any((parallel.index.directory / ".staging").rglob("*.seg"))


def test_a_cached_searcher_sees_later_commits(corpus_copy, tmp_path):
    library = Library(tmp_path / "home")
    files = sorted(corpus_copy.glob("*.txt"))
    pipeline.ingest_paths(files[:2], library)
    before = search(library, SearchRequest("物业")).total
    pipeline.ingest_paths(files[2:], Library(tmp_path / "home"))  # another writer, as another process would be
    assert search(library, SearchRequest("物业")).total > before


def test_staged_commits_merge_small_segments_past_the_limit(tmp_path, monkeypatch):
    from index import engine
    from ingest.models import DocType, Document, Passage

    monkeypatch.setattr(engine, "MAX_SEGMENTS", 2)
    library = Library(tmp_path / "home")

    def document(number: int, text: str) -> Document:
        doc_id = f"d{number}"
        return Document(doc_id, "s.txt", "/s", f"标题{number}", DocType.NEWS, [Passage(f"{doc_id}-0000", 0, text)])

    for batch in range(4):
        added = [document(batch * 10 + n, "红色物业 服务") for n in range(3)]
        library.index.update(added, staged=[engine.write_staged_segment(library.index.directory, added)])
    replaced = [document(0, "老旧小区 改造")]  # a document indexed again: its older copy is deleted
    library.index.update(replaced, staged=[engine.write_staged_segment(library.index.directory, replaced)])
    with library.index.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) <= 3
    assert search(library, SearchRequest("红色物业")).total == 11
    assert search(library, SearchRequest("老旧小区")).total == 1  # the index alone: no store rows here
