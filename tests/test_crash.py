"""SIGKILL a real `redprop ingest` at several moments: the data folder stays usable and a re-run completes it.

After each kill: search answers with exactly the stored documents (old or new state, never half), `redprop check`
passes or `redprop reindex` repairs it, no lock is left held, and re-running the same ingest finishes with every
file once (no duplicate documents or passages).
"""
from __future__ import annotations

import json
import signal

import pytest
from crash_helpers import (
    COMMON_WORD,
    index_generation,
    index_writer_busy,
    redprop,
    search_json,
    staged_segments,
    start_ingest,
    stored_files,
    wait_for,
    write_corpus,
)

from index.store.library import Library
from index.write.pipeline import BATCH_FILES

FILES = BATCH_FILES + 24  # two batches

MOMENTS = {
    "between index and store commits": lambda home: index_generation(home) >= 1 and stored_files(home) == 0,
    "segments staged, not adopted": lambda home: staged_segments(home) >= 1 and stored_files(home) == 0,
    "first index commit": lambda home: index_writer_busy(home),
    "right after a batch": lambda home: stored_files(home) >= BATCH_FILES,
    "second batch writing": lambda home: stored_files(home) >= BATCH_FILES and index_writer_busy(home),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("crash-corpus"), FILES)


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_sigkill_during_ingest_then_rerun(tmp_path, corpus, moment):
    home = tmp_path / "home"
    process = start_ingest(corpus, home)
    reached = wait_for(lambda: MOMENTS[moment](home), process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert reached or process.returncode == 0, f"never reached '{moment}'"

    # Usable at once: search sees exactly what the store holds, whole batches only.
    library = Library(home)
    stored = library.store.count_documents()
    assert stored % BATCH_FILES == 0 or stored == FILES
    assert search_json(home, COMMON_WORD)["total"] == stored

    # Consistent, or repaired by reindex.
    check = redprop("check", "--json", home=home)
    if check.returncode != 0:
        assert not json.loads(check.stdout)["ok"]
        assert redprop("reindex", home=home).returncode == 0
        assert redprop("check", home=home).returncode == 0

    # No lock left behind: another writer gets both locks immediately.
    assert not index_writer_busy(home)
    with library.writing(wait=0):
        pass

    # Re-running the same ingest completes the work, each file once.
    rerun = redprop("ingest", str(corpus), "--json", home=home)
    assert rerun.returncode == 0, rerun.stderr
    answer = json.loads(rerun.stdout)
    assert len(answer["ingested"]) + len(answer["unchanged"]) == FILES and not answer["failed"]
    assert redprop("check", home=home).returncode == 0
    library = Library(home)
    assert library.store.count_documents() == FILES
    assert library.index.doc_count() == sum(library.store.passage_counts().values())
    assert search_json(home, COMMON_WORD)["total"] == FILES
    assert staged_segments(home) == 0  # what the killed run staged was cleared, what this run staged adopted
