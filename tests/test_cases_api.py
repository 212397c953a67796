"""Case lookup through the HTTP API and the CLI, and the exported case packs."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as DocxDocument
from fastapi.testclient import TestClient

from index.store.case_store import CaseQuery, CaseStore
from index.write.pipeline import ingest_paths
from ingest.cases.export import citation
from search_api import case_service
from search_api.app import create_app
from search_api.cli import main
from search_api.settings import Settings

CASE_FIELDS = {"case_id", "title", "place", "place_chain", "practices", "themes", "background", "measures", "results",
               "metrics", "people", "quotes", "doc_id", "title_of_source", "source", "date", "evidence"}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def client(corpus_library):
    return TestClient(create_app(Settings(home=corpus_library.home)))


def test_cases_api_shape_and_filters(client):
    body = client.get("/api/cases", params={"place": "长春", "size": 50}).json()
    assert body["total"] >= 5 and len(body["cases"]) == body["total"]
    case = body["cases"][0]
    assert CASE_FIELDS <= set(case)
    assert {"indicator", "value", "unit", "scope", "evidence"} <= set(case["metrics"][0])
    assert all({"passage_id", "text"} <= set(item) for item in case["evidence"])
    assert client.get(f"/api/cases/{case['case_id']}").json()["case_id"] == case["case_id"]
    themed = client.get("/api/cases", params={"theme": "业委会建设", "size": 50}).json()
    assert themed["total"] and all("业委会建设" in c["themes"] for c in themed["cases"])
    paged = client.get("/api/cases", params={"size": 2, "page": 2}).json()
    assert len(paged["cases"]) == 2 and paged["total"] > 4


def test_unknown_case_is_404_and_bad_size_is_400(client):
    assert client.get("/api/cases/nope").status_code == 404
    assert client.get("/api/cases", params={"size": 0}).status_code == 400


def test_practices_and_metrics_endpoints(client):
    practices = client.get("/api/practices", params={"name": "五方"}).json()["practices"]
    assert len({p["place"] for entry in practices for p in entry["places"]}) >= 2
    rows = client.get("/api/metrics", params={"indicator": "满意率"}).json()["metrics"]
    assert any(row["place"] == "威海市" and row["value"] == 90.5 for row in rows)
    assert all(row["evidence"] and row["passage_id"] for row in rows)


def test_cli_cases_query_place_and_json(corpus_library):
    home = corpus_library.home
    data = json.loads(run("cases", "业委会", "--home", home, "--json").output)
    assert data["total"] >= 3 and all(re.search("业委会|业主委员会", json.dumps(c, ensure_ascii=False))
                                      for c in data["cases"])
    limited = json.loads(run("cases", "--place", "长春", "--limit", "2", "--home", home, "--json").output)
    assert limited["total"] >= 5 and len(limited["cases"]) == 2
    text = run("cases", "--practice", "议事港湾", "--home", home).output
    assert "永宁路社区" in text


def test_docx_export_holds_every_card_with_its_citation(corpus_library, tmp_path):
    output = tmp_path / "pack.docx"
    result = run("cases", "export", "--format", "docx", "--output", output, "--home", corpus_library.home)
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in DocxDocument(io.BytesIO(output.read_bytes())).paragraphs]
    cases = json.loads(run("cases", "--limit", "200", "--home", corpus_library.home, "--json").output)["cases"]
    for number, case in enumerate(cases, start=1):
        assert f"{number}. {case['title']}" in paragraphs
        assert citation(case) in paragraphs


def test_markdown_export_filters_and_cites(corpus_library):
    text = run("cases", "export", "--place", "龙庭", "--home", corpus_library.home).output
    assert text.count("\n## ") == 1 and "1.99元/平方米" in text and "[N]." in text


def test_citation_leaves_out_what_is_unknown():
    known = {"title_of_source": "党建绘就“红”底色", "byline": "记者 田丕 通讯员 杨紫云", "publisher": "安康日报",
             "date": "2023-03-01", "page": "3"}
    assert citation(known) == "田丕, 杨紫云. 党建绘就“红”底色[N]. 安康日报, 2023-03-01(3)."
    assert citation({"title_of_source": "小联盟撬动大治理"}) == "小联盟撬动大治理[N]."


def test_cases_follow_their_documents_through_reingest(library, corpus_copy):
    ingest_paths([corpus_copy], library)
    store = CaseStore(library.store)
    before = {case["case_id"] for case in store.search(CaseQuery(limit=None))[1]}
    assert before
    (corpus_copy / "004_3e99b08ed3d95a59.txt").write_text("业委会换届通知\n\n本周六召开业主大会。", encoding="utf-8")
    ingest_paths([corpus_copy], library)
    after = store.search(CaseQuery(limit=None))[1]
    assert after and not [case for case in after if "湖州市" in case["place_chain"]]
    assert {case["case_id"] for case in after} < before


def test_catalogue_lists_one_practice_in_two_cities(library):
    fixtures = Path(__file__).parent / "fixtures"
    ingest_paths([fixtures / "cases_other_city.txt", fixtures / "cases_nanning.txt"], library)
    [entry] = case_service.practice_catalogue(library, "邻里议事会")["practices"]
    cities = {place["place_chain"][1] for place in entry["places"]}
    assert cities == {"合肥市", "南宁市"} and len(entry["cases"]) == 2
    assert all(case["passage_ids"] for case in entry["cases"])


@pytest.mark.parametrize("byline, expected", [
    ("记者 田丕 通讯员 杨紫云", ["田丕", "杨紫云"]),
    ("文/宁杰 摄/陆一平", ["宁杰"]),
    ("本报记者 吴茗 马贺 于悦", ["吴茗", "马贺", "于悦"]),
    ("记者 戴伟 摄", []),
    ("记者 李四 摄影 张三", ["李四"]),
])
def test_citation_authors_are_the_writers(byline, expected):
    from ingest.cases.export import authors

    assert authors(byline) == expected


ESTATE_PAGE = """2024-03-05 10:20:31

潍坊市奎文区梨园街道桃源社区的枫林小区建于上世纪九十年代,过去停车混乱。

去年以来,枫林小区成立了小区党支部,设立“枫林议事会”,物业费收缴率从58%提高到86%。

截至目前,梨园街道已有26个小区建立红色物业联席制度,街道党工委统一调度。
"""


@pytest.fixture
def estate_library(library, tmp_path):
    page = tmp_path / "estate.txt"
    page.write_text(ESTATE_PAGE, encoding="utf-8")
    assert not ingest_paths([page], library).failed
    return library


def test_a_place_lookup_returns_the_place_and_its_children(estate_library):
    client = TestClient(create_app(Settings(home=estate_library.home)))
    street = client.get("/api/cases", params={"place": "梨园街道"}).json()["cases"]
    assert [case["place"] for case in street] == ["梨园街道", "枫林小区"]
    parent, child = street
    assert child["parent_case_id"] == parent["case_id"] and parent["children"] == [child["case_id"]]
    assert [m.get("previous") for m in child["metrics"] if m["value"] == 86] == [58]
    only = client.get("/api/cases", params={"place": "梨园街道", "depth": 0}).json()["cases"]
    assert [case["place"] for case in only] == ["梨园街道"]
    estate = client.get("/api/cases", params={"place": "枫林小区"}).json()["cases"]
    assert [case["place"] for case in estate] == ["枫林小区"]
    page = client.get(f"/cases/{child['case_id']}").text
    assert f"/cases/{parent['case_id']}" in page  # the page links the parent case
    text = run("cases", "--place", "梨园街道", "--home", estate_library.home).output
    assert "下级案例" in text and "上级案例" in text
    assert client.get("/api/cases", params={"place": "梨园街道", "depth": 9}).status_code == 400


def test_lookups_never_write_and_reindex_extracts_again(estate_library):
    store = estate_library.store
    store.db.execute("UPDATE case_runs SET version = 0")  # as if an older extractor had read the document
    store.db.commit()
    changes = store.db.total_changes
    assert case_service.find_cases(estate_library, CaseQuery(limit=None))["total"] == 2
    assert store.db.total_changes == changes  # the lookup read what is stored
    assert run("reindex", "--home", estate_library.home).exit_code == 0
    version = store.db.execute("SELECT version FROM case_runs").fetchone()[0]
    assert version == __import__("index.store.case_store", fromlist=["EXTRACTOR_VERSION"]).EXTRACTOR_VERSION
