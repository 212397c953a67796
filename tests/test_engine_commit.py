"""A failing index commit must not leave the index locked for the rest of the process's life."""
from __future__ import annotations

import pytest
from whoosh.writing import SegmentWriter

from index.write.pipeline import ingest_paths


def test_failed_commit_releases_the_index_lock(library, tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text("标题\n红色物业进小区。\n", encoding="utf-8")

    def broken_commit(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(SegmentWriter, "commit", broken_commit)
        with pytest.raises(OSError):
            ingest_paths([path], library, guarded=False)
    writer = library.index.index.writer(timeout=0.5)  # would raise LockError if the lock leaked
    writer.cancel()
    assert ingest_paths([path], library, guarded=False).by_status("ingested")
