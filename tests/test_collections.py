"""Collections (合集), their exports, reference-manager records and the practice timeline, on fixtures written here:
documents stored with known dates and places, and cases with known practices."""
from __future__ import annotations

import io
import re

import bibtexparser
import pytest
import rispy
from click.testing import CliRunner
from docx import Document as DocxDocument
from fastapi.testclient import TestClient

import index.store.collections as collections_module
from index.store.case_store import CaseStore
from index.store.consistency import rebuild
from index.store.practice_timeline import timeline
from ingest.cases.build import Case
from ingest.cases.metrics import Metric
from ingest.models import DocType, Document, Passage, passage_id
from search_api import collection_service, references, writes
from search_api.app import create_app
from search_api.cli import main
from search_api.settings import Settings

TOKEN = "collections-test-token"
# (doc_id, title, date, places, passages, [(case place chain, practices)])
FIXTURES = [
    ("doc-a", "甲市推行红色物业联盟", "2019-04-02", ["湖北省", "甲市"],
     ["甲市社区党委牵头,把物业企业、业委会和共建单位拉进“红色物业联盟”。", "联盟每月开一次协商会,物业服务满意率达到92%。"],
     [(["湖北省", "甲市"], ["“红色物业联盟”", "“三方联动”机制"])]),
    ("doc-b", "乙县学习联盟做法", "2021-09-15", ["湖南省", "乙县"],
     ["乙县组织社区书记到外地取经,回来后成立了本县的“红色物业联盟”。"],
     [(["湖南省", "乙县"], ["“红色物业联盟”"])]),
    ("doc-c", "甲市联盟两年回顾", "2021-01-10", ["湖北省", "甲市"],
     ["两年来,甲市“红色物业联盟”覆盖了全部老旧小区。"],
     [(["湖北省", "甲市"], ["“红色物业联盟”", "“红色业主联盟”"])]),
    ("doc-d", "丙区的联盟(未注明日期)", None, ["浙江省", "丙区"],
     ["丙区也有“红色物业联盟”,报道没有写明时间。"],
     [(["浙江省", "丙区"], ["“红色物业联盟”"])]),
]


def _document(doc_id, title, date, places, texts) -> Document:
    passages = [Passage(passage_id(doc_id, ordinal), ordinal, text) for ordinal, text in enumerate(texts)]
    return Document(doc_id=doc_id, source=f"{doc_id}.txt", path=f"/fixtures/{doc_id}.txt", title=title,
                    doc_type=DocType.NEWS, passages=passages, date=date, places=places, publisher="某某日报",
                    byline="本报记者 张三")


def _case(doc_id, ordinal, chain, practices, document) -> Case:
    evidence = [{"passage_id": p.passage_id, "text": p.text} for p in document.passages]
    return Case(case_id=f"{doc_id}-case{ordinal}", title=document.title, place=chain[-1], place_chain=chain,
                practices=practices, themes=[], background=document.passages[0].text, measures=[], results=[],
                metrics=_metrics(document), people=[], quotes=[], doc_id=doc_id, title_of_source=document.title,
                source=document.source, date=document.date, evidence=evidence,
                links={"practices": [[document.passages[0].passage_id]] * len(practices)})


def _metrics(document) -> list[Metric]:
    """满意率 figures stated in the fixture text (甲市 92%), read from the sentence like the extractor would."""
    found = re.search(r"满意率达到(\d+)%", document.text)
    if not found:
        return []
    passage = next(p for p in document.passages if found.group(0) in p.text)
    return [Metric("满意率", float(found.group(1)), "%", "物业服务", passage.text, passage.passage_id)]


@pytest.fixture
def library(library):
    """The fixture documents stored and indexed, and their cases stored as extracted."""
    extracted = {}
    for doc_id, title, date, places, texts, cases in FIXTURES:
        document = _document(doc_id, title, date, places, texts)
        library.store.replace_file(document.path, doc_id, [document])
        extracted[doc_id] = [_case(doc_id, n, chain, practices, document) for n, (chain, practices) in enumerate(cases)]
    CaseStore(library.store).replace_extracted(extracted)
    rebuild(library)
    return library


@pytest.fixture
def client(library):
    return TestClient(create_app(Settings(home=library.home, write_token=TOKEN)))


def test_collection_survives_reindex_and_reports_a_deleted_document(library):
    created = collection_service.create(library, "第三讲 联盟", "课堂用")
    collection_id = created["collection_id"]
    collection_service.add_item(library, collection_id, "document", "doc-a", "开篇")
    collection_service.add_item(library, collection_id, "passage", "doc-b-0000", "外地取经")
    collection_service.add_item(library, collection_id, "case", "doc-c-case0", "两年回顾")

    writes.reindex(library, lock_wait=5)
    writes.delete_document(library, "doc-b", lock_wait=5)

    view = collection_service.show(library, collection_id)
    assert [item["note"] for item in view["items"]] == ["开篇", "外地取经", "两年回顾"]
    assert view["missing"] == 1
    gone = view["items"][1]
    assert gone["missing"] and gone["title"].startswith("乙县学习联盟做法")  # named by the label kept when added
    assert view["items"][2]["place_chain"] == ["湖北省", "甲市"]
    pack = DocxDocument(io.BytesIO(collection_service_docx(library, collection_id)))
    assert any("原文档已被删除" in paragraph.text for paragraph in pack.paragraphs)


def collection_service_docx(library, collection_id) -> bytes:
    from search_api.exports import collection_file

    return collection_file(library, collection_id, "docx").data


def test_items_move_reorder_and_remove_keep_a_contiguous_order(library):
    collection_id = collection_service.create(library, "排序")["collection_id"]
    ids = [collection_service.add_item(library, collection_id, "document", doc_id)["item_id"]
           for doc_id in ("doc-a", "doc-b", "doc-c")]
    assert collection_service.add_item(library, collection_id, "document", "doc-a", "再加一次")["item_id"] == ids[0]

    def order():
        return [(item["position"], item["ref"]) for item in collection_service.show(library, collection_id)["items"]]

    collection_service.move_item(library, collection_id, ids[2], 1)
    assert order() == [(1, "doc-c"), (2, "doc-a"), (3, "doc-b")]
    collection_service.reorder(library, collection_id, [ids[1], ids[0]])
    assert order() == [(1, "doc-b"), (2, "doc-a"), (3, "doc-c")]
    collection_service.remove_item(library, collection_id, ids[0])
    assert order() == [(1, "doc-b"), (2, "doc-c")]
    assert collection_service.show(library, collection_id)["items"][0]["note"] == ""


def test_api_writes_need_the_write_token_or_the_collections_edit_key(client):
    assert client.post("/api/collections", json={"title": "无令牌"}).status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert client.post("/api/collections", json={"title": "错令牌"}, headers=bad).status_code == 403
    token = {"Authorization": f"Bearer {TOKEN}"}
    first = client.post("/api/collections", json={"title": "甲"}, headers=token).json()
    second = client.post("/api/collections", json={"title": "乙"}, headers=token).json()
    own_key = {"Authorization": f"Bearer {first['edit_key']}"}
    item = {"kind": "document", "ref": "doc-a", "note": "按语"}
    assert client.post(f"/api/collections/{first['collection_id']}/items", json=item).status_code == 401
    assert client.post(f"/api/collections/{first['collection_id']}/items", json=item, headers=own_key).status_code == 201
    assert client.post(f"/api/collections/{second['collection_id']}/items", json=item, headers=own_key).status_code == 403
    assert client.delete(f"/api/collections/{second['collection_id']}").status_code == 401
    assert client.post(f"/api/collections/{first['collection_id']}/items", json={"kind": "document", "ref": "nope"},
                       headers=token).status_code == 404
    public = client.get(f"/api/collections/{first['collection_id']}").json()  # the share view reads without a key
    assert "edit_key" not in public and public["items"][0]["note"] == "按语"
    moved = client.patch(f"/api/collections/{first['collection_id']}/items/{public['items'][0]['item_id']}",
                         json={"note": "改过的按语"}, headers=token).json()
    assert moved["items"][0]["note"] == "改过的按语"
    assert client.delete(f"/api/collections/{second['collection_id']}", headers=token).status_code == 200
    assert client.get(f"/api/collections/{second['collection_id']}").status_code == 404


def test_docx_teaching_pack_reads_back_with_its_parts(library):
    collection_id = collection_service.create(library, "联盟的扩散", "供第三讲使用")["collection_id"]
    collection_service.add_item(library, collection_id, "case", "doc-a-case0", "先看甲市")
    collection_service.add_item(library, collection_id, "passage", "doc-a-0001", "注意满意率")
    pack = DocxDocument(io.BytesIO(collection_service_docx(library, collection_id)))
    text = [paragraph.text for paragraph in pack.paragraphs]
    assert "联盟的扩散" in text and "目录" in text and "参考文献" in text
    assert "1. 甲市推行红色物业联盟" in text
    assert "按语:先看甲市" in text and "按语:注意满意率" in text
    assert "案例 · 湖北省 › 甲市" in text
    assert any(line.startswith("引用:张三. 甲市推行红色物业联盟[N]. 某某日报, 2019-04-02.") for line in text)
    assert any(paragraph.style.name == "Quote" and "满意率达到92%" in paragraph.text for paragraph in pack.paragraphs)


def test_markdown_pack_and_cli(library):
    collection_id = collection_service.create(library, "命令行")["collection_id"]
    collection_service.add_item(library, collection_id, "document", "doc-c", "回顾")
    runner = CliRunner()
    shown = runner.invoke(main, ["collections", "show", collection_id, "--home", str(library.home)])
    assert shown.exit_code == 0 and "按语:回顾" in shown.output
    markdown = runner.invoke(main, ["collections", "export", collection_id, "--format", "md", "--home", str(library.home)])
    assert markdown.exit_code == 0 and "## 1. 甲市联盟两年回顾" in markdown.output and "**按语:** 回顾" in markdown.output
    listed = runner.invoke(main, ["collections", "list", "--home", str(library.home)])
    assert collection_id in listed.output
    missing = runner.invoke(main, ["collections", "show", "nope", "--home", str(library.home)])
    assert missing.exit_code != 0 and "没有编号为 nope 的合集" in missing.output


NEWSPAPER = {"doc_id": "n1", "title": "联盟进小区", "doc_type": "news", "publisher": "某某日报", "page": "第3版",
             "byline": "本报记者 张三 李四", "date": "2021-9-5", "passages": []}
STATUTE = {"doc_id": "s1", "title": "某市人民政府办公室关于推进红色物业建设的实施意见", "doc_type": "policy",
           "date": "2020-06-01", "passages": [{"text": "某政办发〔2020〕15号"}, {"text": "各区人民政府:"}]}
WEBPAGE = {"doc_id": "w1", "title": "社区里的议事厅", "doc_type": "other", "url": "https://example.org/a?b=1&c=2",
           "accessed": "2026-01-02T03:04:05Z", "passages": []}


@pytest.mark.parametrize(("headnote", "issuer", "number"), [
    ("2019年5月8日某市第十五届人民代表大会常务委员会第九次会议通过", "某市人民代表大会常务委员会", None),
    ("1995年3月2日某市第十届人大常委会第五次会议通过", "某市人民代表大会常务委员会", None),
    ("2020年12月1日最高人民法院审判委员会第1800次会议通过", "最高人民法院", None),
    ("2010年1月1日中华人民共和国国务院令第500号公布", "国务院", "国务院令第500号"),
    ("某政办发〔2022〕7号", None, "某政办发〔2022〕7号"),
])
def test_statute_issuer_and_number_from_the_headnote(headnote, issuer, number):
    document = {"doc_id": "x", "title": "某市物业管理条例", "doc_type": "policy", "passages": [{"text": headnote}]}
    assert references.issuer_of(document) == issuer
    assert references.document_number(document) == number


def test_ris_records_read_back_with_item_types_and_fields():
    records = rispy.loads(references.to_ris([NEWSPAPER, STATUTE, WEBPAGE]))
    newspaper, statute, webpage = records
    assert newspaper["type_of_reference"] == "NEWS" and newspaper["secondary_title"] == "某某日报"
    assert newspaper["section"] == "第3版" and newspaper["authors"] == ["张三", "李四"]
    assert newspaper["date"] == "2021/09/05"
    assert statute["type_of_reference"] == "STAT" and statute["note"] == "某政办发〔2020〕15号"
    assert statute["authors"] == ["某市人民政府办公室"]
    assert webpage["type_of_reference"] == "ELEC" and webpage["urls"] == [WEBPAGE["url"]]
    assert webpage["access_date"] == "2026/01/02"


def test_bibtex_entries_read_back():
    parsed = bibtexparser.parse_string(references.to_bibtex([NEWSPAPER, STATUTE, WEBPAGE]))
    assert not parsed.failed_blocks
    newspaper, statute, webpage = (entry.fields_dict for entry in parsed.entries)
    assert newspaper["journal"].value == "某某日报" and newspaper["pages"].value == "第3版"
    assert newspaper["author"].value == "{张三} and {李四}"
    assert statute["number"].value == "某政办发〔2020〕15号" and statute["organization"].value == "某市人民政府办公室"
    assert webpage["url"].value == WEBPAGE["url"] and webpage["urldate"].value == "2026-01-02"
    assert [entry.key for entry in parsed.entries] == ["redprop-n1", "redprop-s1", "redprop-w1"]


def test_csl_items_use_the_types_reference_managers_expect():
    newspaper, statute, webpage = (references.to_csl(item) for item in (NEWSPAPER, STATUTE, WEBPAGE))
    assert newspaper["type"] == "article-newspaper" and newspaper["section"] == "第3版"
    assert newspaper["issued"] == {"date-parts": [[2021, 9, 5]]}
    assert statute["type"] == "legislation" and statute["authority"] == "某市人民政府办公室"
    assert webpage["type"] == "webpage" and webpage["accessed"] == {"date-parts": [[2026, 1, 2]]}


def test_search_page_and_document_export_as_references(client):
    ris = client.get("/api/search/references", params={"q": "联盟", "format": "ris"})
    assert ris.status_code == 200 and "attachment" in ris.headers["content-disposition"]
    assert {record["id"] for record in rispy.loads(ris.text)} >= {"redprop-doc-a", "redprop-doc-c"}
    single = client.get("/api/documents/doc-a/references", params={"format": "bib"})
    assert bibtexparser.parse_string(single.text).entries[0].key == "redprop-doc-a"
    assert client.get("/api/documents/doc-a/references", params={"format": "pdf"}).status_code == 400


def test_timeline_orders_first_appearances_by_place_and_province(library):
    data = timeline(library.store, "红色物业联盟")
    assert [(item["date"], item["place"]) for item in data["appearances"]] == [
        ("2019-04-02", "湖北省 › 甲市"), ("2021-01-10", "湖北省 › 甲市"), ("2021-09-15", "湖南省 › 乙县")]
    assert [(item["place"], item["date"]) for item in data["first_by_place"]] == [
        ("湖北省 › 甲市", "2019-04-02"), ("湖南省 › 乙县", "2021-09-15")]
    assert data["first_by_province"] == {"湖北省": 2019, "湖南省": 2021}
    assert [item["doc_id"] for item in data["undated"]] == ["doc-d"]
    related = {item["name"]: item for item in data["related"]}
    assert related["“红色业主联盟”"]["similar"] and related["“三方联动”机制"]["cases_together"] == 1
    assert timeline(library.store, "没有这个做法") is None


def test_timeline_api_page_and_cli(client, library):
    body = client.get("/api/practices/红色物业联盟/timeline").json()
    assert body["first_by_province"] == {"湖北省": 2019, "湖南省": 2021}
    assert client.get("/api/practices/没有这个做法/timeline").status_code == 404
    page = client.get("/practices/“红色物业联盟”")
    assert page.status_code == 200
    fills = {name: fill for fill, name in re.findall(r'fill="(#[0-9a-f]{6})" data-province="([^"]+)"', page.text)}
    assert fills["湖北省"] == "#8c1d17" and fills["湖南省"] == "#fde0dc"  # earliest year darkest
    assert fills["浙江省"] == "#f1f1f1"  # undated: on no timeline and not coloured
    cli = CliRunner().invoke(main, ["cases", "timeline", "红色物业联盟", "--home", str(library.home)])
    assert cli.exit_code == 0 and "2019-04-02\t湖北省 › 甲市" in cli.output


def test_editor_forms_reorder_and_annotate_without_javascript(client, library):
    created = collection_service.create(library, "表单")
    collection_id, key = created["collection_id"], created["edit_key"]
    for doc_id in ("doc-a", "doc-b"):
        collection_service.add_item(library, collection_id, "document", doc_id)
    first = collection_service.show(library, collection_id)["items"][0]
    stranger = TestClient(client.app)
    refused = stranger.post(f"/collections/{collection_id}/move",
                            data={"item_id": first["item_id"], "position": 1, "direction": "down"})
    assert refused.status_code == 403
    moved = client.post(f"/collections/{collection_id}/move",
                        data={"key": key, "item_id": first["item_id"], "position": 1, "direction": "down"})
    assert moved.status_code == 200  # followed the redirect back to the editor
    assert [item["ref"] for item in collection_service.show(library, collection_id)["items"]] == ["doc-b", "doc-a"]
    client.post(f"/collections/{collection_id}/note", data={"key": key, "item_id": first["item_id"], "note": "课堂讨论"})
    assert collection_service.show(library, collection_id)["items"][1]["note"] == "课堂讨论"
    share = client.get(f"/collections/{collection_id}")
    assert "课堂讨论" in share.text and "note-form" not in share.text and key not in share.text


def test_with_a_read_token_the_edit_key_still_writes_and_reads_need_the_token(library):
    client = TestClient(create_app(Settings(home=library.home, write_token=TOKEN, read_token="reader")))
    created = client.post("/api/collections", json={"title": "私有"}, headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert client.get(f"/api/collections/{created['collection_id']}").status_code == 401
    added = client.post(f"/api/collections/{created['collection_id']}/items", json={"kind": "document", "ref": "doc-a"},
                        headers={"Authorization": f"Bearer {created['edit_key']}"})
    assert added.status_code == 201
    read = client.get(f"/api/collections/{created['collection_id']}", headers={"Authorization": "Bearer reader"})
    assert read.json()["items"][0]["ref"] == "doc-a"


def test_metrics_page_maps_the_latest_figure_per_province(client):
    page = client.get("/metrics", params={"indicator": "满意率"}).text
    fills = {name: fill for fill, name in re.findall(r'fill="(#[0-9a-f]{6})" data-province="([^"]+)"', page)}
    assert fills["湖北省"] != "#f1f1f1" and fills["湖南省"] == "#f1f1f1"
    assert "湖北省:92%(甲市" in page  # the tooltip names the place the figure is for


def test_a_collection_id_never_starts_with_a_dash(monkeypatch):
    drawn = iter(["-leading", "plain"])
    monkeypatch.setattr(collections_module.secrets, "token_urlsafe", lambda nbytes: next(drawn))
    assert collections_module.new_collection_id() == "plain"
