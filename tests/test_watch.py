"""`redprop watch DIR`: files dropped in are ingested, changed ones replaced, bad ones reported, deleted ones
removed with --delete; the watch survives all of it."""
from __future__ import annotations

import queue
import threading

import pytest

from search_api.watch import watch_folder

NOTE = "业委会换届通知\n\n街道指导小区业主委员会完成换届选举,红色物业联席会议同步召开。\n"
CHANGED = "业委会换届通知\n\n街道指导小区业主委员会完成换届选举,新一届业委会首次会议审议物业合同。\n"
WAIT = 30  # seconds for an outcome to arrive; a pass takes well under one


@pytest.fixture
def watched(tmp_path, library):
    """Starts watching tmp_path/drop (with --delete) in a thread; yields (folder, next_outcome)."""
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "old.txt").write_text(NOTE.replace("换届", "改选"), encoding="utf-8")
    outcomes: queue.Queue = queue.Queue()
    ready, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=watch_folder, args=(library, folder, outcomes.put), daemon=True,
                              kwargs={"delete": True, "stop": stop, "debounce_ms": 100, "on_ready": ready.set})
    thread.start()
    assert ready.wait(WAIT)

    def next_outcome():
        return outcomes.get(timeout=WAIT)

    assert next_outcome().status == "ingested"  # caught up with what was there before
    yield folder, next_outcome
    stop.set()
    thread.join(WAIT)


def test_new_changed_bad_and_deleted_files(watched, library):
    folder, next_outcome = watched
    note = folder / "note.txt"
    note.write_text(NOTE, encoding="utf-8")
    added = next_outcome()
    assert (added.path, added.status) == (str(note), "ingested")

    note.write_text(CHANGED, encoding="utf-8")
    changed = next_outcome()
    assert changed.status == "ingested" and changed.doc_ids != added.doc_ids
    assert added.doc_ids[0] not in library.store.doc_ids()

    (folder / "broken.pdf").write_bytes(b"not a pdf at all")
    failed = next_outcome()
    assert failed.status == "failed" and "broken.pdf" in failed.error

    (folder / ".hidden.txt").write_text(NOTE, encoding="utf-8")  # ignored, like ingest does
    note.unlink()
    deleted = next_outcome()
    assert (deleted.path, deleted.status, deleted.doc_ids) == (str(note), "deleted", changed.doc_ids)
    assert changed.doc_ids[0] not in library.store.doc_ids()
    assert library.store.count_documents() == 1  # old.txt's document stays
