"""The clause matrix, version diff and clause lineage over regulations written for these tests
(tests/compare_fixtures.py), through the library, the CLI and the HTTP API."""
from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from compare_fixtures import QUESTION, write_regulations
from docx import Document as DocxDocument
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from index.compare import export
from index.compare.diff import diff_documents
from index.compare.lineage import document_lineage
from index.compare.matrix import MIN_COVERAGE, NO_ANSWER, compare
from index.compare.regulations import STATUS_IN_FORCE, STATUS_SUPERSEDED, load_regulations
from index.store.library import Library
from index.write.pipeline import ingest_paths
from search_api.app import create_app
from search_api.cli import main
from search_api.settings import Settings


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    work = tmp_path_factory.mktemp("compare")
    library = Library(work / "home")
    report = ingest_paths([write_regulations(work / "regulations")], library)
    assert not report.failed, report.to_json()["failed"]
    return library


@pytest.fixture(scope="module")
def regulations(library) -> dict[tuple[str, str], str]:
    """(title, version date) → doc_id."""
    return {(row.title, row.version_date): row.doc_id for row in load_regulations(library.store)}


@pytest.fixture(scope="module")
def client(library) -> TestClient:
    return TestClient(create_app(Settings(home=library.home)))


def test_metadata_is_stored_and_versions_get_a_status(library):
    rows = {(row.title, row.version_date): row for row in load_regulations(library.store)}
    assert set(library.store.regulation_infos()) == {row.doc_id for row in rows.values()}  # stored at ingest
    province = rows["山东省物业管理条例", "2018-01-23"]
    assert (province.issuer, province.level, province.place) == ("人大常委会", "provincial", "山东省")
    assert rows["淄博市物业管理条例", "2022-04-28"].status == STATUS_IN_FORCE
    assert rows["淄博市物业管理条例", "2016-06-20"].status == STATUS_SUPERSEDED
    assert rows["潍坊市物业管理条例", "2020-08-27"].status is None  # one version: status unknown


def test_matrix_marks_the_one_regulation_without_an_answer(library):
    matrix = compare(library, QUESTION)
    gaps = [row.regulation["title"] for row in matrix.rows if not row.answered]
    assert gaps == ["烟台市居民委员会工作办法"]
    answers = {row.regulation["title"]: row.best.clause for row in matrix.rows if row.answered}
    assert {row.best.chapter for row in matrix.rows if row.regulation["title"] == "淄博市物业管理条例"} == {"第三章 维修资金"}
    assert answers == {"山东省物业管理条例": "第三条", "淄博市物业管理条例": "第八条", "潍坊市物业管理条例": "第四条"}
    gap = next(row for row in matrix.rows if not row.answered)
    assert gap.closest.clause == "第三条" and gap.closest.coverage < MIN_COVERAGE  # 工作经费…使用: near, not an answer
    best = next(row.best for row in matrix.rows if row.regulation["title"] == "潍坊市物业管理条例")
    assert "<mark>维修资金</mark>" in best.marked
    assert best.citation == "潍坊市人民代表大会常务委员会. 潍坊市物业管理条例[Z]. 2020-08-27: 第四条."


def test_matrix_scope_and_sort(library):
    assert [row.regulation["title"] for row in compare(library, QUESTION, level="provincial").rows] == ["山东省物业管理条例"]
    assert {row.regulation["title"] for row in compare(library, QUESTION, year_from=2020).rows} == {
        "淄博市物业管理条例", "潍坊市物业管理条例"}
    by_date = [row.regulation["version_date"] for row in compare(library, QUESTION, sort="date").rows]
    assert by_date == sorted(by_date)
    by_score = compare(library, QUESTION, sort="score").rows
    assert not by_score[-1].answered and by_score[0].best.score >= by_score[1].best.score


def test_news_variant_has_one_row_per_place(library):
    matrix = compare(library, QUESTION, kind="news")
    rows = {row.regulation["place"]: row for row in matrix.rows}
    assert set(rows) == {"淄博市", "烟台市"}
    assert rows["淄博市"].answered and "维修资金" in rows["淄博市"].best.text
    assert not rows["烟台市"].answered


def test_lineage_finds_the_edited_copy_and_its_direction(library, regulations):
    later = regulations["潍坊市物业管理条例", "2020-08-27"]
    found = document_lineage(library, later)
    [(passage_id, [reuse])] = found.items()
    assert passage_id.startswith(later) and reuse.clause == "第五条" and reuse.title == "淄博市物业管理条例"
    assert reuse.direction == "较早" and 0.75 < reuse.share < 1  # copied with small edits
    earlier = document_lineage(library, regulations["淄博市物业管理条例", "2016-06-20"])
    assert [reuse.direction for reuses in earlier.values() for reuse in reuses] == ["较晚"]
    # the two versions of 淄博 share almost every clause, but versions are the diff's business, not lineage's
    assert not document_lineage(library, regulations["淄博市物业管理条例", "2022-04-28"])


def test_diff_aligns_by_content_not_number(library, regulations):
    diff = diff_documents(library, regulations["淄博市物业管理条例", "2016-06-20"],
                          regulations["淄博市物业管理条例", "2022-04-28"])
    changes = [(entry.status, (entry.old or {}).get("clause"), (entry.new or {}).get("clause")) for entry in diff.entries
               if entry.status != "unchanged"]
    assert changes == [
        ("added", None, "第三条"),
        ("moved", "第三条", "第四条"),
        ("moved", "第四条", "第五条"),
        ("removed", "第五条", None),
        ("changed", "第六条", "第六条"),
        ("changed", "第九条", "第九条"),
    ]
    term = next(entry for entry in diff.entries if entry.old and entry.old["clause"] == "第六条")
    assert ("delete", "五") in term.pieces and ("insert", "三") in term.pieces
    assert diff.summary.startswith("新增 1 条，删除 1 条，修改 2 条，移动 2 条，未变 4 条")
    assert diff.same_title


def test_exports_read_back(library):
    matrix = compare(library, QUESTION)
    rows = list(csv.reader(io.StringIO(export.to_csv(matrix).decode("utf-8"))))
    assert export.to_csv(matrix).startswith(b"\xef\xbb\xbf") and rows[0][0] == "\ufeff地区"
    sheet = load_workbook(io.BytesIO(export.to_xlsx(matrix))).active
    assert sheet.freeze_panes == "B2" and sheet.max_row == len(matrix.rows) + 1
    values = [[cell.value for cell in line] for line in sheet.iter_rows()]
    yantai = next(line for line in values if line[1] == "烟台市居民委员会工作办法")
    assert yantai[values[0].index("条款")] == NO_ANSWER
    assert sheet.cell(2, values[0].index("条文") + 1).alignment.wrap_text
    table = DocxDocument(io.BytesIO(export.to_docx(matrix))).tables[0]
    assert len(table.rows) == len(matrix.rows) + 1
    assert any(cell.text == NO_ANSWER for row in table.rows for cell in row.cells)


def test_cli_compare_diff_lineage(library, regulations, tmp_path):
    runner = CliRunner()
    home = ["--home", str(library.home)]
    shown = runner.invoke(main, ["compare", QUESTION, *home])
    assert shown.exit_code == 0 and "(4 行有相关规定,1 行未见相关规定)" in shown.output
    target = tmp_path / "matrix.xlsx"
    assert runner.invoke(main, ["compare", QUESTION, "--format", "xlsx", "--output", str(target), *home]).exit_code == 0
    assert load_workbook(target).active.max_row == 6
    assert runner.invoke(main, ["compare", QUESTION, "--format", "xlsx", *home]).exit_code != 0  # needs --output
    old, new = regulations["淄博市物业管理条例", "2016-06-20"], regulations["淄博市物业管理条例", "2022-04-28"]
    diffed = runner.invoke(main, ["diff", old, new, *home])
    assert diffed.exit_code == 0 and "第三条 → 第四条" in diffed.output and "[-五-]{+三+}" in diffed.output
    lineage = runner.invoke(main, ["lineage", regulations["潍坊市物业管理条例", "2020-08-27"], *home])
    assert "与 淄博市物业管理条例 第五条 相同" in lineage.output
    assert runner.invoke(main, ["diff", old, "nope", *home]).exit_code != 0


def test_api(client, regulations):
    answer = client.get("/api/compare", params={"q": QUESTION, "level": "city"}).json()
    assert answer["gaps"] == 1 and answer["rows"][-1]["label"] == NO_ANSWER
    assert client.get("/api/compare", params={"q": QUESTION, "level": "county"}).status_code == 400
    assert client.get("/api/compare", params={"q": " "}).status_code == 400
    download = client.get("/api/compare/export", params={"q": QUESTION, "format": "xlsx"})
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download.headers["content-disposition"]
    assert load_workbook(io.BytesIO(download.content)).active.max_row == 6
    assert client.get("/api/compare/export", params={"q": QUESTION, "format": "pdf"}).status_code == 400
    old, new = regulations["淄博市物业管理条例", "2016-06-20"], regulations["淄博市物业管理条例", "2022-04-28"]
    assert client.get("/api/diff", params={"a": old, "b": new}).json()["counts"]["moved"] == 2
    assert client.get("/api/diff", params={"a": old, "b": "missing"}).status_code == 404
    copied = f"{regulations['潍坊市物业管理条例', '2020-08-27']}-0003"
    assert client.get(f"/api/passages/{copied}/lineage").json()["reuse"][0]["clause"] == "第五条"
    assert client.get("/api/passages/none-0001/lineage").status_code == 404
    in_force = client.get("/api/search", params={"q": "维修资金", "in_force": "true", "on_topic": "false"}).json()
    assert old not in {hit["doc_id"] for hit in in_force["hits"]} and in_force["total"] >= 3
    assert client.get("/api/search", params={"q": "维修资金", "level": "provincial", "on_topic": "false"}).json()["total"] == 1


def test_pages(client, regulations):
    page = client.get("/compare", params={"q": QUESTION, "sort": "score"})
    assert page.status_code == 200 and page.text.count('class="gap"') == 1 and "复制引用" in page.text
    assert client.get("/compare", params={"q": QUESTION, "year_from": "abc"}).status_code == 400
    old, new = regulations["淄博市物业管理条例", "2016-06-20"], regulations["淄博市物业管理条例", "2022-04-28"]
    diff = client.get("/diff", params={"a": old, "b": new})
    assert diff.status_code == 200 and "<del>五</del><ins>三</ins>" in diff.text
    document = client.get(f"/documents/{regulations['潍坊市物业管理条例', '2020-08-27']}")
    assert "与 淄博市物业管理条例 第五条 相同" in document.text
