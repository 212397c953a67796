"""Measured quality may not drop silently: the judged set's floors, and the done-when checks of search."""
from pathlib import Path

import pytest

from index.query.filters import Filters
from index.results.relevance import (
    CONFIGURATIONS,
    JudgmentError,
    check_judgments,
    evaluate_all,
    load_judgments,
    score_ranking,
)
from index.results.search import SearchRequest, search
from index.store.library import Library
from index.write.pipeline import ingest_paths

JUDGMENTS = Path(__file__).parent / "relevance" / "judgments.toml"
NDCG_FLOOR = 0.80
RECALL_FLOOR = 0.90


@pytest.fixture(scope="module")
def judged():
    return load_judgments(JUDGMENTS)


@pytest.fixture(scope="module")
def judged_library(tmp_path_factory, judged):
    library = Library(tmp_path_factory.mktemp("relevance"))
    report = ingest_paths(judged.documents, library)
    assert not report.failed, report.to_json()["failed"]
    return library


@pytest.fixture(scope="module")
def reports(judged_library, judged):
    return {report.name: report for report in evaluate_all(judged_library, judged)}


def hits(library, text, **kwargs):
    return search(library, SearchRequest(text, size=kwargs.pop("size", 20), filters=Filters(on_topic_only=False),
                                         **kwargs)).hits


def test_the_judged_set_is_large_and_varied(judged):
    assert len(judged.queries) >= 40
    kinds = {judgment.kind for judgment in judged.queries}
    assert {"traditional", "synonym", "question", "short", "name", "word"} <= kinds


def test_quality_floors(reports):
    full = reports["全部启用"]
    assert full.mean("ndcg") >= NDCG_FLOOR
    assert full.mean("recall") >= RECALL_FLOOR


def test_synonyms_add_measurable_quality(reports):
    assert reports["全部启用"].mean("ndcg") > reports["关闭同义词"].mean("ndcg")
    assert set(reports) == set(CONFIGURATIONS)


def test_a_judgment_that_points_nowhere_is_an_error(judged_library, judged):
    from index.results.relevance import JudgedSet, Judgment

    broken = JudgedSet(judged.path, judged.documents, [Judgment("物业", ["这段话不在任何文档里"])])
    with pytest.raises(JudgmentError, match="这段话不在任何文档里"):
        check_judgments(judged_library, broken)


def test_metrics_on_a_known_ranking():
    scores = score_ranking(["无关", "甲乙", "无关", "丙丁"], ["甲乙", "丙丁"])
    assert scores.rr == 0.5 and scores.recall == 1.0 and 0 < scores.ndcg < 1
    assert score_ranking(["甲乙", "丙丁"], ["甲乙", "丙丁"]).ndcg == pytest.approx(1.0)


def test_traditional_query_finds_what_simplified_finds(judged_library):
    simplified = [hit.passage_id for hit in hits(judged_library, "红色物业", collapse=False)]
    assert simplified and [hit.passage_id for hit in hits(judged_library, "紅色物業", collapse=False)] == simplified


def test_colloquial_name_finds_passages_with_only_the_statutory_name(judged_library):
    texts = [hit.text for hit in hits(judged_library, "业委会", collapse=False, size=100)]
    only_statutory = [text for text in texts if "业主委员会" in text and "业委会" not in text]
    assert only_statutory, "业委会 should find passages that say only 业主委员会"
    assert "业委会" in texts[0]  # the word as typed ranks above its synonym


def test_model_name_with_digits_finds_the_ankang_passage(judged_library):
    first = hits(judged_library, "321模式")[0]
    assert "“321”模式" in first.text and "安康" in first.text


def test_substring_of_a_longer_word_is_found(judged_library):
    texts = [hit.text for hit in hits(judged_library, "人民共和国", collapse=False)]
    assert texts and all("中华人民共和国" in text for text in texts)


def test_question_finds_the_answer_without_every_word(judged_library):
    top = [hit.text for hit in hits(judged_library, "老旧小区没有物业怎么办", collapse=False, size=3)]
    assert any("老旧" in text and "物业" in text for text in top)


def test_one_character_query_matches_inside_words(judged_library):
    results = hits(judged_library, "党", collapse=False, size=100)
    assert len(results) > 10 and all("党" in hit.text or "党" in hit.title for hit in results)
