"""Nothing readable is unsearchable (issue 12): every sentence of every fixture is found by searching for it,
whatever the classifiers made of its line (body, caption, byline, timestamp, navigation, editor line)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.query.filters import Filters
from index.store.library import Library
from index.write.pipeline import ingest_paths
from ingest.parsers import parse
from search_api import service

ROOT = Path(__file__).resolve().parent
FIXTURES = sorted((ROOT / "devset" / "fixtures").rglob("*.*")) + sorted((ROOT / "fixtures").glob("*.txt"))
SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# Query syntax characters and punctuation become spaces: the sentence is searched as its words.
NOT_A_WORD = re.compile(r"[^\w%]+")
MIN_CJK = 4  # shorter pieces ("首页", "打印") are found, but say nothing about a sentence
CJK = re.compile(r"[\u4e00-\u9fff]")


def sentences(path: Path) -> list[str]:
    found = []
    for raw in parse(path, path.read_bytes()).documents:
        for text in [raw.title or ""] + [block.text for block in raw.blocks]:
            for piece in SENTENCE_END.split(text):
                query = NOT_A_WORD.sub(" ", piece).strip()
                if len(CJK.findall(query)) >= MIN_CJK:
                    found.append(query)
    return found


@pytest.fixture(scope="module")
def fixture_library(tmp_path_factory) -> Library:
    library = Library(tmp_path_factory.mktemp("findable"))
    report = ingest_paths(FIXTURES, library)
    assert not report.failed, report.to_json()["failed"]
    return library


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.name)
def test_every_sentence_of_a_fixture_is_found(fixture_library, path):
    missing = []
    for query in sentences(path):
        result = service.run_search(fixture_library, query, size=20, filters=Filters(on_topic_only=False))
        if not any(hit.source == path.name for hit in result.hits):
            missing.append(query)
    assert not missing, missing
