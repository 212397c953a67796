"""Grouped results: a document's close further passages are shown under its best one, each its own entry."""
import json
from types import SimpleNamespace

import numpy as np
import pytest
from fastapi.testclient import TestClient
from search_fixtures import build_library, document

from index.results.grouping import DEFAULT_PER_DOC, grouped, grouped_page
from index.results.search import SearchRequest, search
from index.store.library import Library
from ingest.models import DocType
from search_api.app import create_app
from search_api.settings import Settings

# A long report whose every paragraph is about 停车位 (grouping shows up to DEFAULT_PER_DOC of them), a passing
# mention in one paragraph of another report (far below: not grouped), and two regulations with several
# clauses on it (grouped like the report: close clauses shown, the rest counted).
GROUPING_DOCUMENTS = [
    document("report", "小区停车位调研", [
        "小区停车位紧张,业委会协调增加停车位。",
        "新增停车位由业委会统一分配停车位。",
        "停车位收费标准经业主大会讨论,停车位收入公开。",
        "停车位改造完成后停车位矛盾减少。",
        "居民说停车位问题解决了,停车位不再难找。",
    ]),
    document("mention", "社区服务走访", [
        "社区走访老年人,了解助餐和就医需求,顺带提到停车位。",
        "网格员每周入户一次,记录居民诉求。",
    ]),
    document("rule-a", "某市物业管理条例", [
        "第二十条 停车位应当首先满足业主需要。",
        "第二十一条 停车位的租售价格应当公示。",
        "第二十二条 占用共有道路设置的停车位属于全体业主共有。",
    ], doc_type=DocType.POLICY),
    document("rule-b", "某省住宅小区管理办法", [
        "第九条 规划停车位应当优先出租给业主。",
        "第十条 停车位收益扣除管理成本后归业主所有。",
    ], doc_type=DocType.POLICY),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return build_library(Library(tmp_path_factory.mktemp("grouping")), GROUPING_DOCUMENTS)


@pytest.fixture(scope="module")
def client(library):
    return TestClient(create_app(Settings(home=library.home)))


def by_doc(hits):
    grouped: dict[str, list] = {}
    for hit in hits:
        grouped.setdefault(hit["doc_id"], []).append(hit)
    return grouped


def test_each_shown_passage_is_an_entry_grouped_under_its_best(client):
    body = client.get("/api/search", params={"q": "停车位", "size": 10}).json()
    hits = by_doc(body["hits"])
    report = hits["report"]
    assert 1 < len(report) <= DEFAULT_PER_DOC
    assert report[0]["grouped_under"] is None
    assert all(hit["grouped_under"] == report[0]["passage_id"] for hit in report[1:])
    assert report[0]["more_in_document"] == 5 - len(report)
    # Grouped entries follow their best directly and count in the page; total stays the number of documents.
    start = body["hits"].index(report[0])
    assert body["hits"][start:start + len(report)] == report
    assert body["entries"] == len(body["hits"]) and body["total"] == 4


def test_a_regulation_shows_its_close_clauses_under_its_best_and_counts_the_rest(client):
    """A question several clauses of one regulation answer sees them, not only the best (one clause per
    regulation hid answers); what is not shown is counted."""
    hits = by_doc(client.get("/api/search", params={"q": "停车位"}).json()["hits"])
    for doc_id, clauses in (("rule-a", 3), ("rule-b", 2)):
        shown = hits[doc_id]
        assert 1 < len(shown) <= DEFAULT_PER_DOC
        assert all(hit["grouped_under"] == shown[0]["passage_id"] for hit in shown[1:])
        assert shown[0]["more_in_document"] == clauses - len(shown)


def test_a_passing_mention_far_below_the_best_is_not_grouped(library):
    hits = search(library, SearchRequest("停车位 居民", per_doc=10)).hits
    assert all(hit.grouped_under is None for hit in hits if hit.doc_id == "mention")


def test_per_doc_bounds_what_a_document_shows(client):
    one = client.get("/api/search", params={"q": "停车位", "per_doc": 1}).json()
    assert [hit["grouped_under"] for hit in one["hits"]] == [None] * 4 and one["entries"] == 4
    many = by_doc(client.get("/api/search", params={"q": "停车位", "per_doc": 10}).json()["hits"])
    assert len(many["rule-a"]) > 1 and all(hit["grouped_under"] for hit in many["rule-a"][1:])


def test_ten_answers_are_ten_entries_across_pages(client):
    first = client.get("/api/search", params={"q": "停车位", "per_doc": 10, "size": 3}).json()
    second = client.get("/api/search", params={"q": "停车位", "per_doc": 10, "size": 3, "page": 2}).json()
    assert len(first["hits"]) == len(second["hits"]) == 3
    assert not {h["passage_id"] for h in first["hits"]} & {h["passage_id"] for h in second["hits"]}


@pytest.mark.parametrize("value", ["0", "11", "-1", "many"])
def test_bad_per_doc_is_400(client, value):
    answer = client.get("/api/search", params={"q": "停车位", "per_doc": value})
    assert answer.status_code == 400 and answer.json()


def test_unfolded_list_has_no_groups(client):
    body = client.get("/api/search", params={"q": "停车位", "collapse": "false", "size": 100}).json()
    assert body["entries"] == body["total"] == 11 and all(hit["grouped_under"] is None for hit in body["hits"])


def test_page_indents_grouped_passages_under_their_best(client):
    html = client.get("/", params={"q": "停车位"}).text
    assert html.count('class="hit grouped"') >= 1
    best = html.index("小区停车位调研")
    assert html.index('class="hit grouped"') > best
    assert "本文档另有 2 处匹配" in html


def test_cli_per_doc_groups_and_rejects_bad_values(library):
    from click.testing import CliRunner

    from search_api.cli import main

    def run(*args):
        return CliRunner().invoke(main, ["search", "停车位", "--home", str(library.home), *args])

    data = json.loads(run("--per-doc", "10", "--json").output)
    assert any(hit["grouped_under"] for hit in data["hits"]) and len(data["hits"]) == 10
    assert "本文档另有 2 处匹配" in run().output
    bad = run("--per-doc", "0")
    assert bad.exit_code == 2 and "per_doc" in bad.output


def test_a_clause_among_the_ten_best_is_not_hidden_under_a_best_that_repeats_the_question(tmp_path):
    """The best clause says every word of the question again and again; the regulation's other answering clause
    scores far below it, yet above the other documents' passing mentions: it is shown under its best."""
    documents = [
        document("rule", "某市住宅装修管理规定", [
            "第八条 装修禁止行为:装修不得拆改承重墙;装修不得占用公共部位;装修禁止夜间施工。",
            ("第九条 业主在住宅室内进行改造,不得有下列行为:(一)变动建筑主体和承重结构;"
             "(二)将没有防水要求的房间改为卫生间;(三)扩大承重墙上原有的门窗尺寸;(四)其他禁止行为。"),
        ], doc_type=DocType.POLICY),
        *[document(f"news-{i}", f"社区简报{i}", [f"第{i}期:居民反映楼上装修噪音,社区上门协调,物业加强巡查,居民满意。"])
          for i in range(4)],
    ]
    library = build_library(Library(tmp_path), documents)
    hits = search(library, SearchRequest("装修禁止行为", size=10)).hits
    rule = [hit for hit in hits if hit.doc_id == "rule"]
    assert [hit.ordinal for hit in rule] == [0, 1] and rule[1].grouped_under == rule[0].passage_id
    assert rule[1].score < 0.6 * rule[0].score  # far below its best: shown because it is among the ten best


def generated_matches(seed: int, matches: int, groups: int):
    """Matches over `groups` groups, some of them reposts (not canonical), scores with many ties."""
    from index.engine.columns import Labels

    rng = np.random.default_rng(seed)
    size = matches * 2
    codes = rng.integers(0, groups, size).astype(np.int32)
    columns = SimpleNamespace(groups=Labels(codes, [f"g{i}" for i in range(groups)]),
                              canonical=rng.random(size) < 0.8)
    docnums = np.sort(rng.choice(size, matches, replace=False)).astype(np.int64)
    scores = np.round(rng.gamma(2.0, 1.0, matches), 1)  # rounded: ties within and across groups
    return columns, docnums, scores


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("per_doc", [None, 1, 2, 5])
@pytest.mark.parametrize("stop", [10, 30])
def test_a_page_of_groups_equals_grouping_every_match(seed, per_doc, stop):
    """The page and the count of entries come out as grouping all matches gives them, without sorting them all."""
    columns, docnums, scores = generated_matches(seed, matches=3000, groups=400 if seed % 2 else 2500)
    order = np.argsort(-scores, kind="stable")
    full = grouped(columns, docnums, scores, order, per_doc)
    page, total = grouped_page(columns, docnums, scores, per_doc, stop)
    assert total == len(full.positions)
    assert page.positions.tolist() == full.positions[:stop].tolist()
    assert page.leaders.tolist() == full.leaders[:stop].tolist()
    assert page.more.tolist() == full.more[:stop].tolist()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("k", [1, 10, 30])
def test_the_page_groups_of_a_bounded_page_are_those_of_ranking_every_match(seed, k):
    """page_groups (a bounded page's groups, evaluated whole) orders only the matches that can be a page group's
    best, and names the groups ranking all matches names, ties broken by docnum as there."""
    from index.engine.topk import Matches
    from index.results.ranking import ranked
    from index.results.search import page_groups

    columns, docnums, scores = generated_matches(seed, matches=3000, groups=400 if seed % 2 else 2500)
    found = Matches(docnums, scores)
    order = ranked(columns, docnums, scores, "relevance", collapse=True)[:k]
    expected = np.flatnonzero(np.isin(columns.groups.codes, columns.groups.codes[docnums[order]]))
    assert page_groups(columns, found, k).tolist() == expected.tolist()
