"""The extraction scorer itself (ingest.evaluation) on hand-made extractions: it must count right answers as right
and each kind of mistake where it belongs. Not a quality floor: those come with the rules."""
from pathlib import Path
from types import SimpleNamespace

import pytest

from ingest.cases.metrics import Metric
from ingest.evaluation import DevsetError, Extracted, SplitReport, load_expectations, score_fixture
from ingest.models import DocType, Document

DEVSET = Path(__file__).parent / "devset"

EXPECTED = {
    "file": "dev/x.txt", "split": "dev", "title": "笔架山街道：红色物业让老小区焕新！居民直呼没想到",
    "date": "2025-06-18", "doc_type": "news", "places": ["安徽省", "合肥市", "蜀山区"], "not_places": ["黄山市"],
    "topic": "red-property", "not_localities": ["全面推行社区"],
    "localities": [{"name": "翠湖花园小区", "parent": "杏林社区",
                    "chain": ["安徽省", "合肥市", "蜀山区", "笔架山街道", "杏林社区", "翠湖花园小区"]}],
    "practices": [{"name": "红色管家团", "kind": "body", "key": "红色管家", "variants": ["红色管家"]},
                  {"name": "共商、共治、共享", "kind": "mechanism", "key": "共商共治共享"}],
    "figures": [{"indicator": "党员志愿者", "value": 100, "unit": "个", "previous": 30, "approx": False,
                 "locality": "翠湖花园小区"}],
}
CHAIN = ["安徽省", "合肥市", "蜀山区", "笔架山街道", "杏林社区", "翠湖花园小区"]


def document(**changes) -> Document:
    fields = {"doc_id": "d", "source": "x.txt", "path": "x.txt", "title": EXPECTED["title"],
              "doc_type": DocType.NEWS, "passages": [], "date": "2025-06-18", "places": ["安徽省", "合肥市", "蜀山区"]}
    return Document(**(fields | changes))


def metric(indicator: str, value: float, previous: float | None = None) -> Metric:
    return Metric(indicator, value, "个", "", "", "p", previous)


def case(chain: list[str], practices: list[str], metrics: list[Metric]) -> SimpleNamespace:
    return SimpleNamespace(place=chain[-1], place_chain=chain, practices=practices, metrics=metrics)


def test_a_perfect_extraction_scores_one_everywhere():
    report = SplitReport("dev")
    got = Extracted(document(), [case(CHAIN, ["“红色管家团”", "共商共治共享"], [metric("党员志愿者人数", 100, 30)])])
    score_fixture(report, EXPECTED, got)
    for tally in (report.places, report.on_topic, report.date, report.localities, report.practices,
                  report.figures, report.figures_on_place):
        assert (tally.precision, tally.recall) == (1.0, 1.0)
    assert (report.title.value, report.doc_type.value, report.locality_parent.value) == (1.0, 1.0, 1.0)
    assert report.figure_previous.value == 1.0
    assert report.captions.predicted == report.captions.expected == 0
    assert (report.forbidden_places, report.fragment_localities, report.ungrouped_variants) == (0, 0, 0)
    assert (report.topic_label.right, report.topic_label.asked) == (1, 1)  # documents carry a topic label now


def test_each_mistake_is_counted_where_it_belongs():
    report = SplitReport("dev")
    wrong = document(title="2025-06-18 16:30:54", date="2021-10-01", places=["安徽省", "合肥市", "黄山市"],
                     captions=["小区党员亮身份。"])
    got = Extracted(wrong, [
        case(["安徽省", "合肥市", "蜀山区", "全面推行社区"], ["红色管家", "“红色管家团”", "丰产路街道计划"],
             [metric("党员志愿者", 100)]),
    ])
    score_fixture(report, EXPECTED, got)
    assert (report.places.matched, report.places.predicted, report.places.expected) == (2, 3, 3)
    assert report.forbidden_places == 1
    assert report.title.value == 0.0
    assert (report.date.matched, report.date.predicted, report.date.expected) == (0, 1, 1)
    assert (report.captions.matched, report.captions.predicted) == (0, 1)
    assert (report.localities.matched, report.localities.predicted) == (0, 1)
    assert report.fragment_localities == 1
    # 红色管家 and 红色管家团 are one practice listed twice; 丰产路街道计划 is not a practice.
    assert (report.practices.matched, report.practices.predicted, report.practices.expected) == (1, 2, 2)
    assert report.ungrouped_variants == 1
    # The figure's value and indicator are right, but it sits in a case that is not the estate, without previous.
    assert (report.figures.matched, report.figures_on_place.matched) == (1, 0)
    assert report.figure_previous.value == 0.0


def test_a_locality_under_the_wrong_city_is_not_a_match():
    report = SplitReport("dev")
    misplaced = ["四川省", "广安市", "杏林社区", "翠湖花园小区"]
    score_fixture(report, EXPECTED, Extracted(document(), [case(misplaced, [], [])]))
    assert (report.localities.matched, report.localities.predicted) == (0, 1)


def test_off_topic_fixture_counts_its_cases_and_its_on_topic_flag():
    report = SplitReport("test")
    court = EXPECTED | {"topic": "property-industry", "localities": [], "practices": [], "figures": []}
    score_fixture(report, court, Extracted(document(), [case(CHAIN, [], [])]))
    assert (report.on_topic.matched, report.on_topic.predicted, report.on_topic.expected) == (0, 1, 0)
    assert report.off_topic_cases == 1 and report.on_topic_accuracy.value == 0.0
    assert report.localities.predicted == 1 and report.localities.precision == 0.0


def test_the_devset_loads_with_both_halves(tmp_path):
    fixtures = load_expectations(DEVSET)
    assert {f["split"] for f in fixtures} == {"dev", "test"}
    (tmp_path / "expected.toml").write_text('[[fixture]]\nfile = "dev/missing.txt"\nsplit = "dev"\n',
                                            encoding="utf-8")
    with pytest.raises(DevsetError, match="missing.txt"):
        load_expectations(tmp_path)
