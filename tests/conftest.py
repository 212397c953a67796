"""Shared fixtures: a library built from the sample corpus once per session, and empty ones per test."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.store.library import Library
from index.write.pipeline import ingest_paths

pytest_plugins = ["generated_index"]  # big_index: a generated many-block, many-segment index (engine tests)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_library(tmp_path_factory) -> Library:
    """The five seed pages ingested once; tests must not write to it."""
    library = Library(tmp_path_factory.mktemp("corpus-home"))
    report = ingest_paths([CORPUS], library)
    assert not report.failed, report.to_json()["failed"]
    return library


@pytest.fixture
def library(tmp_path) -> Library:
    return Library(tmp_path / "home")


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target
