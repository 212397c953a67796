"""Readers during an ingest, and two writers at once.

Searches keep answering while a real `redprop ingest` runs, and only ever see whole batches. A second writer
waits with a clear message (CLI) or fails clearly after its wait (library call, HTTP 409).
"""
from __future__ import annotations

import subprocess
import threading
import time

import pytest
from crash_helpers import COMMON_WORD, REDPROP, start_ingest, write_corpus
from fastapi.testclient import TestClient

from index.store.library import WAIT_MESSAGE, Library, WriteLockTimeout
from index.write.pipeline import BATCH_FILES, ingest_paths
from search_api import service
from search_api.app import create_app
from search_api.settings import Settings

FILES = 2 * BATCH_FILES + 10
PAGE = 20


def test_searches_answer_during_an_ingest_and_see_whole_batches(tmp_path):
    home = tmp_path / "home"
    seed = tmp_path / "seed.txt"
    seed.write_text("开头\n红色物业的第一篇文档。\n", encoding="utf-8")
    ingest_paths([seed], Library(home), guarded=False)  # the index exists before readers start
    corpus = write_corpus(tmp_path / "corpus", FILES)
    library = Library(home)
    process = start_ingest(corpus, home)
    observed = []
    while process.poll() is None:
        result = service.run_search(library, COMMON_WORD, size=PAGE)
        observed.append((result.total, len(result.hits)))
    assert process.wait() == 0, process.log.read_text(encoding="utf-8")
    observed.append(((final := service.run_search(library, COMMON_WORD, size=PAGE)).total, len(final.hits)))

    assert len(observed) > 5
    whole_batches = {0, FILES} | {BATCH_FILES * n for n in range(1, FILES // BATCH_FILES + 1)}
    assert {total for total, _ in observed} <= whole_batches
    assert all(hits == min(total, PAGE) for total, hits in observed), "a hit was missing from the store"
    totals = [total for total, _ in observed]
    assert totals == sorted(totals) and totals[-1] == FILES


def test_second_cli_ingest_waits_with_a_message_then_completes(tmp_path):
    home = tmp_path / "home"
    library = Library(home)
    corpus = write_corpus(tmp_path / "corpus", 3)
    lines: list[str] = []
    with library.writing(wait=0):
        process = subprocess.Popen([REDPROP, "ingest", str(corpus), "--home", str(home)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
        reader.start()
        deadline = time.monotonic() + 60
        while not any(WAIT_MESSAGE in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(WAIT_MESSAGE in line for line in lines), lines
        assert process.poll() is None  # still waiting for us
    assert process.wait(timeout=120) == 0
    assert library.store.count_documents() == 3


def test_a_writer_that_cannot_wait_fails_clearly(tmp_path, library):
    path = tmp_path / "a.txt"
    path.write_text("标题\n红色物业进小区。\n", encoding="utf-8")
    with library.writing(wait=0), pytest.raises(WriteLockTimeout) as raised:
        ingest_paths([path], library, lock_wait=0.2)
    assert "另一个写入任务正在进行" in raised.value.message
    assert library.store.count_documents() == 0


def test_http_write_during_another_write_is_409(tmp_path, library):
    settings = Settings(home=library.home, write_token="t0ken", write_lock_wait=0.2)
    client = TestClient(create_app(settings))
    with library.writing(wait=0):
        response = client.post("/api/documents", headers={"Authorization": "Bearer t0ken"},
                               files=[("files", ("a.txt", "标题\n红色物业进小区。\n".encode(), "text/plain"))])
    assert response.status_code == 409 and "另一个写入任务正在进行" in response.json()["error"]
