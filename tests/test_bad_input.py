"""Broken, hostile and awkwardly encoded files: each one fails with a clear per-file reason or ingests correctly.

Never a crash, a hang, or an empty document silently indexed; cases for formats without a parser yet must
fail as an unsupported format (they start to exercise the real parser once it is registered).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from bad_inputs import (
    EXTENSIONS,
    PHRASE,
    SENTENCE,
    charset_cases,
    generic_cases,
    megabyte_line,
    nested_html,
    odd_names,
    specific_cases,
)
from click.testing import CliRunner

from index.write.pipeline import ingest_paths
from ingest.guard import ParseLimits
from ingest.parsers import PARSERS
from ingest.text.fold import fold
from search_api.cli import main

# Generous: a parse that needs longer than this is what the guard is for, and must show as a clear failure.
LIMITS = ParseLimits(timeout=30, memory_bytes=768 * 2**20)
CJK = re.compile(r"[\u4e00-\u9fff]")


def ingest_one(library, path: Path) -> dict:
    report = ingest_paths([path], library, limits=LIMITS)
    assert len(report.outcomes) == 1
    outcome = report.outcomes[0]
    return {"status": outcome.status, "error": outcome.error, "doc_ids": outcome.doc_ids}


def assert_clear_failure(outcome: dict, path: Path) -> None:
    assert outcome["status"] == "failed", f"{path.name} was {outcome['status']}"
    assert path.name in outcome["error"] and CJK.search(outcome["error"]), outcome["error"]


def assert_clear_or_correct(outcome: dict, path: Path, library, expected: str | None = None) -> None:
    """A clear failure, or documents with real passages (containing `expected` when given)."""
    if outcome["status"] == "failed":
        assert_clear_failure(outcome, path)
        return
    assert outcome["status"] == "ingested" and outcome["doc_ids"]
    texts = []
    for doc_id in outcome["doc_ids"]:
        document = library.store.get_document(doc_id)
        assert document.passages and all(p.text.strip() for p in document.passages), doc_id
        texts.append(fold(document.title + "\n" + document.text))
    if expected is not None:
        assert fold(expected) in "\n".join(texts), f"{path.name}: {expected} not found after decoding"


def expect_unsupported_unless_registered(outcome: dict, path: Path) -> bool:
    """True when no parser is registered for the suffix (and the failure said so clearly)."""
    if path.suffix in PARSERS:
        return False
    assert_clear_failure(outcome, path)
    assert "不支持的文件类型" in outcome["error"]
    return True


@pytest.mark.parametrize("extension", EXTENSIONS)
@pytest.mark.parametrize("case", sorted(generic_cases()))
def test_nothing_to_index_fails_clearly_under_every_extension(library, tmp_path, case, extension):
    path = tmp_path / f"{case}{extension}"
    path.write_bytes(generic_cases()[case])
    outcome = ingest_one(library, path)
    assert_clear_failure(outcome, path)
    assert library.store.count_documents() == 0 and library.index.doc_count() == 0


@pytest.mark.parametrize("case", sorted(specific_cases()))
def test_format_specific_breakage(library, tmp_path, case):
    extension, data = specific_cases()[case]
    home_parent = tmp_path / "upload-area"
    home_parent.mkdir()
    path = home_parent / f"{case}{extension}"
    path.write_bytes(data)
    outcome = ingest_one(library, path)
    if expect_unsupported_unless_registered(outcome, path):
        return
    if case in ("pdf-encrypted", "pdf-image-only", "pdf-header-only", "docx-not-zip", "docx-zip-without-document",
                "jsonl-no-text-fields", "txt-nul-inside", "txt-latin1-garbage"):
        assert_clear_failure(outcome, path)
    else:
        assert_clear_or_correct(outcome, path, library)
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()


@pytest.mark.parametrize("case", sorted(charset_cases()))
def test_awkward_encodings_decode_correctly(library, tmp_path, case):
    extension, data = charset_cases()[case]
    path = tmp_path / f"{case}{extension}"
    path.write_bytes(data)
    outcome = ingest_one(library, path)
    if expect_unsupported_unless_registered(outcome, path):
        return
    assert outcome["status"] == "ingested", outcome["error"]
    assert_clear_or_correct(outcome, path, library, expected=PHRASE)


@pytest.mark.parametrize("extension", [".txt", ".html", ".jsonl"])
def test_megabyte_line_without_punctuation(library, tmp_path, extension):
    path = tmp_path / f"long-line{extension}"
    path.write_bytes(megabyte_line(extension))
    outcome = ingest_one(library, path)
    if expect_unsupported_unless_registered(outcome, path):
        return
    assert_clear_or_correct(outcome, path, library, expected="业主委员会红色物业")


@pytest.mark.parametrize("name", ["report.xyz", "setup.exe", "no-suffix", "archive.tar.gz"])
def test_unsupported_extension_is_a_clear_error(library, tmp_path, name):
    path = tmp_path / name
    path.write_text(f"{PHRASE}\n", encoding="utf-8")
    outcome = ingest_one(library, path)
    assert_clear_failure(outcome, path)
    assert "不支持的文件类型" in outcome["error"]


def test_one_bad_file_among_good_ones(library, tmp_path):
    """All broken inputs in one batch next to a good file: the good one is ingested, the rest fail, nothing else."""
    for case, data in generic_cases().items():
        (tmp_path / f"{case}.txt").write_bytes(data)
    (tmp_path / "good.txt").write_text(f"红色物业简报\n{PHRASE},推动红色物业服务进小区。\n", encoding="utf-8")
    report = ingest_paths([tmp_path], library, limits=LIMITS).to_json()
    assert [Path(entry["path"]).name for entry in report["ingested"]] == ["good.txt"]
    assert len(report["failed"]) == len(generic_cases())
    assert library.store.count_documents() == 1


@pytest.mark.parametrize("case", sorted(odd_names()))
def test_any_file_name_is_ingested_and_reported(library, tmp_path, case):
    raw = odd_names()[case]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(raw)).write_text(f"简报\n{SENTENCE}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--home", str(library.home)])
    assert result.exit_code == 0, result.output
    shown = raw.decode("utf-8", "replace")
    assert f"{shown.splitlines()[0]}" in result.output and "导入 1" in result.output
    [document] = library.store.iter_documents()
    assert document.source == shown
    [key] = [row[0] for row in library.store.db.execute("SELECT path FROM files")]
    assert key.endswith(raw.decode("utf-8", "backslashreplace"))
    again = ingest_paths([folder], library, guarded=False)
    assert [outcome.status for outcome in again.outcomes] == ["unchanged"]


def test_two_names_differing_only_in_undecodable_bytes_stay_two_files(library, tmp_path):
    for raw in (b"\xba\xec.txt", b"\xc9\xab.txt"):
        (tmp_path / os.fsdecode(raw)).write_text(f"简报\n{SENTENCE}\n{raw!r}\n", encoding="utf-8")
    report = ingest_paths([tmp_path], library, guarded=False)
    assert [outcome.status for outcome in report.outcomes] == ["ingested", "ingested"]
    assert library.store.db.execute("SELECT count(*) FROM files").fetchone()[0] == 2


@pytest.mark.parametrize("depth", [20_000, 300])
def test_deep_nesting_is_refused_by_name_not_by_the_time_limit(library, tmp_path, depth):
    path = tmp_path / "层层嵌套.html"
    path.write_bytes(nested_html(depth))
    outcome = ingest_one(library, path)
    assert_clear_failure(outcome, path)
    assert "嵌套过深" in outcome["error"]


def test_ordinary_nesting_is_read(library, tmp_path):
    path = tmp_path / "普通.html"
    path.write_bytes(nested_html(40))
    assert_clear_or_correct(ingest_one(library, path), path, library, expected=PHRASE)
