"""Bulk ingestion in worker processes gives the same library as the one-process path, and searchers follow commits."""
from __future__ import annotations

from ingest import pipeline
from index.library import Library
from index.search import SearchRequest, search


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
