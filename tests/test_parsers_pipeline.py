"""Formats end to end: the same article in every format reads the same; a mixed folder with broken files."""
import random
from pathlib import Path

import pytest
from fixtures_build import (
    ARTICLE,
    docx_bytes,
    image_only_pdf,
    jsonl_lines,
    page_html,
    plain_text,
    two_article_page,
    two_column_pdf,
    write,
)

from index.write.pipeline import ingest_paths
from index.write.prepare import read_file


def variants() -> dict[str, bytes]:
    return {
        "page.html": page_html(ARTICLE),
        "paper.pdf": two_column_pdf(ARTICLE),
        "report.docx": docx_bytes(ARTICLE),
        "note-gbk.txt": plain_text(ARTICLE).encode("gbk"),
    }


def test_same_content_in_html_pdf_docx_and_gbk_text_yields_the_same_passages():
    documents = {name: read_file(Path(name), data)[0] for name, data in variants().items()}
    assert all(len(found) == 1 for found in documents.values())
    passages = {name: [(p.text, p.heading) for p in found[0].passages] for name, found in documents.items()}
    # The formats that mark headings agree exactly, section headings included.
    assert passages["page.html"] == passages["paper.pdf"] == passages["report.docx"]
    assert [text for text, _ in passages["page.html"]] == ARTICLE.paragraphs
    assert {heading for _, heading in passages["page.html"] if heading} == set(ARTICLE.headings)
    # Plain text has no heading markup: its heading lines are compared apart from the paragraphs.
    text_paragraphs = [text for text, _ in passages["note-gbk.txt"] if text not in ARTICLE.headings]
    assert text_paragraphs == ARTICLE.paragraphs
    assert {found[0].title for found in documents.values()} == {ARTICLE.title}


def test_folder_of_mixed_formats_ingests_good_files_and_names_each_bad_one(library, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    good = dict(variants())
    good["brief.md"] = "---\ntitle: 简报\n---\n# 楼栋长例会\n\n楼栋长们交流了加装电梯的协调经验。\n".encode()
    good["e-paper.htm"] = two_article_page(ARTICLE, ARTICLE.__class__(
        title="社区食堂开张", sections=[(None, ["社区食堂由物业企业运营,为老年居民提供优惠午餐。"])]))
    good["dump.jsonl"] = jsonl_lines([{"text": "业委会公示了年度收支情况。", "title": "收支公示"},
                                      '{"text": "断了',
                                      {"text": "物业企业开展夏季消防安全检查。"}])
    for name, data in good.items():
        write(folder, name, data)
    noise = random.Random(3).randbytes(3000)
    bad = {
        "empty.txt": b"", "empty.pdf": b"", "empty.docx": b"", "empty.html": b"",
        "noise.txt": noise, "noise.html": noise, "noise.pdf": noise, "noise.docx": noise, "noise.jsonl": noise,
        "noise.md": noise,
        "cut.pdf": good["paper.pdf"][: len(good["paper.pdf"]) // 2],
        "letter.docx": "其实是纯文本,只是扩展名写成了 docx".encode(),
    }
    bad["scan.pdf"] = image_only_pdf()  # bars, no text: needs OCR, and OCR (where installed) reads nothing
    for name, data in bad.items():
        write(folder, name, data)

    report = ingest_paths([folder], library).to_json()

    ingested = {Path(entry["path"]).name: entry for entry in report["ingested"]}
    assert set(ingested) == set(good)
    assert len(ingested["e-paper.htm"]["doc_ids"]) == 2
    assert ingested["dump.jsonl"]["titles"][0] == "收支公示" and len(ingested["dump.jsonl"]["doc_ids"]) == 2
    failed = {Path(entry["path"]).name: entry["error"] for entry in report["failed"]}
    assert set(failed) == set(bad) | {"dump.jsonl:2"}
    for name, error in failed.items():
        assert name in error, error  # every message names its file (and line)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error.split(name, 1)[1]), error  # with a reason in Chinese
    assert "第 2 行" in failed["dump.jsonl:2"]
    assert "不是有效的 DOCX" in failed["letter.docx"]
    assert "损坏或不完整" in failed["cut.pdf"]
    if "scan.pdf" in failed:
        assert "OCR" in failed["scan.pdf"]


@pytest.mark.parametrize("name", ["page.html", "paper.pdf", "report.docx"])
def test_reingesting_an_unchanged_file_of_any_format_changes_nothing(library, tmp_path, name):
    path = write(tmp_path, name, variants()[name])
    first = ingest_paths([path], library)
    second = ingest_paths([path], library)
    assert first.by_status("ingested") and second.by_status("unchanged")
    assert library.store.count_documents() == 1
