"""Measured quality may not drop silently: the judged sets' floors, and the done-when checks of search."""
from pathlib import Path

import pytest

from index.query.filters import Filters
from index.query.syntax import QueryOptions
from index.results.peers import PeerIndex
from index.results.relevance import (
    JudgedSet,
    Judgment,
    JudgmentError,
    check_judgments,
    evaluate_runs,
    load_judgments,
    passage_keys,
    score_documents,
    score_ranking,
)
from index.results.search import SearchRequest, search
from index.store.library import Library
from index.write.pipeline import ingest_paths

JUDGMENTS = Path(__file__).parent / "relevance"  # dev.toml (tuned on) and test.toml (kept aside)
NDCG_FLOOR = 0.80  # dev half, passages
# Dev recall was 0.922 with the old synonym table; cutting it to true equivalences (issue 14: 公开/公示,
# 业主大会/业主代表大会, colloquial 用/坏/管 and others removed) gave 0.906, the title indexed once per document 0.897.
# Both changes were made for reasons other than this half, so its floor follows them down by 0.01.
RECALL_FLOOR = 0.89
# Test half, passages, everything on. Before issue 14's ranking work `redprop eval --split test --unit passage`
# printed nDCG@10 0.793, recall@10 0.790 (floors 0.77 / 0.77); with coordination for every part and feedback it
# prints 0.779 / 0.831: recall's floor rose to that less 0.02, nDCG's stays. They may never be lowered to pass.
TEST_NDCG_FLOOR = 0.77
TEST_RECALL_FLOOR = 0.81


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
    """Passage unit: (run, split) → report, for ours and ours without synonyms."""
    return {(report.name, split): report for split in ("dev", "test") for report in
            evaluate_runs(judged_library, judged.select(split), units=("passage",), ablate=("synonyms",))}


def hits(library, text, **kwargs):
    return search(library, SearchRequest(text, size=kwargs.pop("size", 20), filters=Filters(on_topic_only=False),
                                         **kwargs)).hits


def test_the_judged_sets_are_large_and_varied(judged):
    dev, test = judged.select("dev").queries, judged.select("test").queries
    assert len(dev) >= 40 and len(test) >= 80
    assert {"traditional", "synonym", "question", "short", "name", "word"} <= {j.kind for j in dev}
    assert {"clause", "other"} <= {j.category for j in test}
    assert sum(len(j.relevant) > 1 for j in test) >= len(test) // 2  # most questions have several answers


def test_quality_floors(reports):
    dev, test = reports["ours", "dev"], reports["ours", "test"]
    assert dev.mean("ndcg") >= NDCG_FLOOR and dev.mean("recall") >= RECALL_FLOOR
    assert test.mean("ndcg") >= TEST_NDCG_FLOOR and test.mean("recall") >= TEST_RECALL_FLOOR


def test_synonyms_add_measurable_quality(reports):
    assert reports["ours", "dev"].mean("ndcg") > reports["ours -synonyms", "dev"].mean("ndcg")


def test_a_judgment_that_points_nowhere_is_an_error(judged_library, judged):
    broken = JudgedSet(judged.path, judged.documents, [Judgment("物业", {"这段话不在任何文档里": 2})])
    with pytest.raises(JudgmentError, match="这段话不在任何文档里"):
        check_judgments(judged_library, broken)
    unknown_clause = JudgedSet(judged.path, judged.documents, [Judgment("物业", {"清河市物业管理条例.md#第九十九条": 1})])
    with pytest.raises(JudgmentError, match="第九十九条"):
        check_judgments(judged_library, unknown_clause)


def test_a_clause_key_names_the_clause_of_that_file(judged_library, judged):
    keys = passage_keys(judged_library, JudgedSet(judged.path, judged.documents,
                                                  [Judgment("q", {"清河市物业管理条例.md#第四条": 2})]))
    named = [pid for pid, found in keys.keys.items() if found]
    texts = [row[0] for row in judged_library.store.db.execute(
        f"SELECT text FROM passages WHERE passage_id IN ({','.join('?' * len(named))})", named)]
    assert texts and all(text.startswith("第四条") and "成立业主大会" in text for text in texts)


def test_fts5_peer_ranks_passages_and_documents(judged_library):
    peer = PeerIndex(judged_library, "fts5")
    passages = peer.search("物业管理委员会", 10)
    documents = peer.search("物业管理委员会", 10, one_per_document=True)
    assert len(passages) == 10 and len({hit.doc_id for hit in documents}) == len(documents) > 1
    assert PeerIndex(judged_library, "bigram").search("物管会", 5)  # bigrams find what no dictionary word covers


def test_metrics_on_a_known_ranking():
    scores = score_ranking(["无关", "甲乙", "无关", "丙丁"], ["甲乙", "丙丁"])
    assert scores.rr == 0.5 and scores.recall == 1.0 and 0 < scores.ndcg < 1
    assert score_ranking(["甲乙", "丙丁"], ["甲乙", "丙丁"]).ndcg == pytest.approx(1.0)


def test_graded_documents_credit_a_document_once_at_its_best_grade():
    from index.results.relevance import PassageKeys

    keys = PassageKeys({"a1": {"x"}, "a2": {"y"}, "b1": {"z"}}, {"a1": "A", "a2": "A", "b1": "B"})
    judgment = Judgment("q", {"x": 1, "y": 2, "z": 1})
    best_first = score_documents(["A", "B"], judgment, keys)
    assert best_first.ndcg == pytest.approx(1.0) and best_first.recall == 1.0
    assert score_documents(["B", "A"], judgment, keys).ndcg < 1.0


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


def test_substring_of_a_longer_word_is_found_first(judged_library):
    found = ["中华人民共和国" in hit.text for hit in hits(judged_library, "人民共和国", collapse=False, size=100)]
    assert found and found[0]
    assert found == sorted(found, reverse=True)  # every passage with the whole string before any with a part


def test_every_word_ranks_before_most_words_and_a_rare_word_does_not_empty_the_list(judged_library):
    words = ("业主委员会", "任期")
    texts = [hit.text for hit in hits(judged_library, "业主委员会任期", collapse=False, size=100)]
    has_all = [all(word in text for word in words) for text in texts]
    assert has_all[0] and has_all == sorted(has_all, reverse=True)
    assert len(hits(judged_library, "业主委员会任期钅钅", collapse=False)) >= 5  # an unknown word empties nothing


def test_feedback_finds_passages_in_the_corpus_words_and_can_be_switched_on(judged_library):
    question = "业委会任期几年"
    with_feedback = hits(judged_library, question, collapse=False, size=100,
                         options=QueryOptions(prf=True, related=False))
    without = hits(judged_library, question, collapse=False, size=100, options=QueryOptions(related=False))
    assert len(with_feedback) > len(without)  # expansion words bring passages without the typed words
    # The typed words still decide the top: expansion may reorder passages they score alike, never lift one from
    # far below (the typed words alone score this question's best three within 6%).
    typed = [hit.passage_id for hit in without]
    assert with_feedback[0].passage_id in typed[:3]


def test_question_finds_the_answer_without_every_word(judged_library):
    top = [hit.title + hit.text for hit in hits(judged_library, "老旧小区没有物业怎么办", collapse=False, size=3)]
    assert any("老旧" in text and "物业" in text for text in top)  # a passage is found through its title too


def test_one_character_query_matches_inside_words(judged_library):
    results = hits(judged_library, "党", collapse=False, size=100)
    assert len(results) > 10 and all("党" in hit.text or "党" in hit.title for hit in results)
