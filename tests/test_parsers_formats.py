"""Formats publishers put out besides web pages: scans (real tesseract), .doc/.wps/.rtf (real LibreOffice),
OFD, and PDFs with a cover page. `make test` installs tesseract and LibreOffice (Makefile: format-deps)."""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from fixtures_build import ARTICLE, docx_bytes, zh
from fixtures_formats import (
    SCANNED_NOTICE,
    cover_page_pdf,
    libreoffice_copies,
    ofd_bytes,
    pdf_pages,
    scanned_page,
)

from index.write.pipeline import ingest_paths
from ingest.errors import MissingTool, NeedsOCR, ParseError
from ingest.models import BlockKind
from ingest.parsers import legacy_word, ocr, parse_file
from ingest.structure import build_documents

TEXT_PAGE = [zh(line) for line in ("第一页:社区党委牵头召开物业联席会议,研究解决停车难问题。",)]
LAST_PAGE = [zh(line) for line in ("第三页:会议明确由物业公司负责施划车位,业委会监督落实。",)]


def similar(read: str, written: str) -> float:
    return difflib.SequenceMatcher(None, read, written).ratio()


# --- OCR ------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scan() -> bytes:
    return pdf_pages([scanned_page(SCANNED_NOTICE)])


def test_the_scan_has_no_text_layer_so_only_ocr_can_read_it(scan):
    from pdfminer.high_level import extract_text

    assert extract_text(__import__("io").BytesIO(scan)).strip() == ""


def test_scanned_notice_is_read_by_tesseract(scan):
    [raw] = parse_file(Path("scan.pdf"), scan)
    assert raw.fmt == "pdf-ocr"
    read = "".join(block.text for block in raw.blocks)
    assert similar(read.translate(str.maketrans(",:", "\uff0c\uff1a")), "".join(SCANNED_NOTICE)) >= 0.9
    assert raw.blocks[0].text == SCANNED_NOTICE[0]


def test_scanned_notice_is_found_by_search_after_ingest(scan, tmp_path, library):
    from search_api import service

    (tmp_path / "scan.pdf").write_bytes(scan)
    report = ingest_paths([tmp_path / "scan.pdf"], library, guarded=False)
    assert not report.failed
    hits = service.run_search(library, "星级评定").hits
    assert [hit.source for hit in hits] == ["scan.pdf"]


def test_mixed_pdf_keeps_text_pages_and_ocrs_the_scanned_page_in_its_place():
    data = pdf_pages([TEXT_PAGE, scanned_page(SCANNED_NOTICE), LAST_PAGE])
    [raw] = parse_file(Path("mixed.pdf"), data)
    texts = [block.text for block in raw.blocks]
    assert texts[0] == TEXT_PAGE[0] and texts[-1] == LAST_PAGE[0]
    middle = "".join(texts[1:-1])
    assert similar(middle, "".join(SCANNED_NOTICE)) >= 0.85


def test_mixed_pdf_without_tesseract_names_the_scanned_pages(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    data = pdf_pages([TEXT_PAGE, scanned_page(SCANNED_NOTICE)])
    with pytest.raises(NeedsOCR, match="第 2 页") as caught:
        parse_file(Path("mixed.pdf"), data)
    assert "tesseract-ocr-chi-sim" in caught.value.reason


# --- PDF cover page -------------------------------------------------------------------------------------------

COVER_BODY = [zh(line) for line in (
    "第一条 为了规范住宅小区物业管理,发挥社区党组织的引领作用,制定本办法。",
    "第二条 本办法适用于本市行政区域内住宅小区的物业管理活动。",
    "第三条 街道党工委统筹协调辖区内物业管理工作。",
)]


@pytest.mark.parametrize("cover, title, issuer", [
    # The issuer set larger than the title (红头 style), then title and date.
    ([("城东区人民政府文件", 30), ("城东区住宅小区物业管理办法", 22), ("2024年3月1日", 16)],
     "城东区住宅小区物业管理办法", "城东区人民政府"),
    # The issuer smaller, above; a document number under it.
    ([("城东区住房和城乡建设局", 18), ("东建发〔2024〕12号", 16), ("关于加强物业服务监督的通知", 24)],
     "关于加强物业服务监督的通知", "城东区住房和城乡建设局"),
    # Issuer and title each set on two lines; the issuer's 公告 and its number.
    ([("城东区人民代表大会常务\n委员会公告", 26), ("(第12号)", 16), ("城东区实施《物业管理条例》\n办法", 22),
      ("2024年3月1日", 16)], "城东区实施《物业管理条例》办法", "城东区人民代表大会常务委员会"),
    # No issuer at all.
    ([("城东区物业纠纷调解规定", 24), ("(2023年11月20日通过)", 14)], "城东区物业纠纷调解规定", None),
])
def test_cover_page_title_is_the_largest_text_that_is_not_the_issuer(cover, title, issuer):
    [raw] = parse_file(Path("cover.pdf"), cover_page_pdf([(zh(text), size) for text, size in cover], COVER_BODY))
    assert (raw.title, raw.publisher) == (title, issuer)
    [document] = build_documents(raw)
    assert document.title == title
    assert document.passages[-1].clause == "第三条"


def test_page_with_several_headlines_at_one_size_gets_no_cover_title():
    page = [(zh("社区食堂开张"), 22), (zh("物业企业运营的社区食堂为老人提供优惠午餐。"), 14),
            (zh("加装电梯完工"), 22), (zh("老旧小区三部电梯投入使用,居民出行更方便。"), 14)]
    data = cover_page_pdf(page, COVER_BODY)
    [raw] = parse_file(Path("paper.pdf"), data)
    assert raw.title is None


# --- OFD ------------------------------------------------------------------------------------------------------

OFD_PAGES = [
    [("城南街道办事处", 8.0), ("关于推进红色物业建设的实施意见", 7.0), ("2024年7月1日", 4.2)],
    [("一、总体要求", 5.6), (zh("坚持党建引领,推动物业服务企业成立党支部,把党的工作覆盖到辖区每一个小区。"), 4.2),
     ("二、主要任务", 5.6), (zh("建立社区党委、业委会、物业公司三方联席会议制度,每月至少召开一次。"), 4.2)],
]


def test_ofd_text_layer_read_in_order_with_cover_title_and_issuer():
    [raw] = parse_file(Path("notice.ofd"), ofd_bytes(OFD_PAGES))
    assert (raw.fmt, raw.title, raw.publisher) == ("ofd", "关于推进红色物业建设的实施意见", "城南街道办事处")
    texts = [block.text for block in raw.blocks]
    assert texts[1:] == [OFD_PAGES[0][2][0], *(text for text, _ in OFD_PAGES[1])]
    assert [block.kind for block in raw.blocks[2:]] == [BlockKind.HEADING, BlockKind.PARAGRAPH] * 2
    [document] = build_documents(raw)
    assert "三方联席会议" in document.text


def test_ofd_title_stated_in_docinfo_wins():
    [raw] = parse_file(Path("notice.ofd"), ofd_bytes(OFD_PAGES, title="红色物业建设实施意见"))
    assert raw.title == "红色物业建设实施意见"


@pytest.mark.parametrize("data, error", [
    (b"", ParseError),
    (b"PK\x03\x04 not really a zip", ParseError),
])
def test_broken_ofd_is_a_parse_error_naming_the_file(data, error):
    with pytest.raises(error, match="bad.ofd"):
        parse_file(Path("bad.ofd"), data)


def test_zip_without_ofd_xml_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "not an OFD")
    with pytest.raises(ParseError, match="GB/T 33190"):
        parse_file(Path("fake.ofd"), buffer.getvalue())


def test_scanned_ofd_without_text_needs_ocr():
    with pytest.raises(NeedsOCR):
        parse_file(Path("scan.ofd"), ofd_bytes([[]]))


# --- .doc / .wps / .rtf through LibreOffice -------------------------------------------------------------------

@pytest.fixture(scope="module")
def office_copies() -> dict[str, bytes]:
    """Our DOCX fixture saved by LibreOffice as Word 97 (.doc; Kingsoft WPS writes .wps in this format) and RTF;
    converted once per module, since each LibreOffice start takes seconds."""
    copies = libreoffice_copies(docx_bytes(ARTICLE), {"doc": "MS Word 97", "rtf": "Rich Text Format"})
    return {".doc": copies["doc"], ".wps": copies["doc"], ".rtf": copies["rtf"]}


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".rtf"])
def test_legacy_word_files_read_like_their_docx(office_copies, suffix):
    [raw] = parse_file(Path(f"notice{suffix}"), office_copies[suffix])
    [original] = parse_file(Path("notice.docx"), docx_bytes(ARTICLE))
    assert (raw.fmt, raw.source, raw.title) == (suffix[1:], f"notice{suffix}", ARTICLE.title)
    assert [(block.kind, block.text) for block in raw.blocks] == [(block.kind, block.text) for block in original.blocks]
    assert any(block.kind == BlockKind.HEADING for block in raw.blocks)


def test_doc_is_ingested_under_the_parse_guard(office_copies, tmp_path, library):
    path = tmp_path / "notice.doc"
    path.write_bytes(office_copies[".doc"])
    report = ingest_paths([path], library)  # in a worker process, under the time and memory limits
    assert report.to_json()["ingested"][0]["titles"] == [ARTICLE.title]


def test_conversion_has_its_own_deadline(office_copies):
    with pytest.raises(Exception, match="超过 0.01 秒") as caught:
        legacy_word.to_docx(Path("slow.doc"), office_copies[".doc"], timeout=0.01)
    assert caught.value.path == "slow.doc"


def test_without_libreoffice_the_error_names_the_package(monkeypatch):
    monkeypatch.setattr(legacy_word, "converter", lambda: None)
    with pytest.raises(MissingTool, match="libreoffice-writer-nogui"):
        parse_file(Path("notice.doc"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)


def test_broken_doc_fails_with_the_file_named():
    with pytest.raises(ParseError, match="broken.doc"):
        parse_file(Path("broken.doc"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"junk" * 50)


def test_docx_served_under_a_doc_name_is_read_directly(monkeypatch):
    monkeypatch.setattr(legacy_word, "converter", lambda: None)  # no LibreOffice needed for it
    [raw] = parse_file(Path("misnamed.doc"), docx_bytes(ARTICLE))
    assert raw.title == ARTICLE.title


def test_libreoffice_is_installed_for_make_test():
    assert shutil.which("soffice"), "make test installs libreoffice-writer-nogui (Makefile: format-deps)"
    assert ocr.available(), "make test installs tesseract-ocr tesseract-ocr-chi-sim (Makefile: format-deps)"


def test_bold_face_lines_at_body_size_are_headings_without_chapter_markers():
    """Official documents set 一、二、 headings in 黑体 at the body's size; the font's name tells them apart."""
    import io

    from fixtures_formats import CJK_FONT
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdfmetrics.registerFont(TTFont("SimHei", str(CJK_FONT), subfontIndex=0))
    lines = [("SimHei", "一、工作目标"), ("STSong-Light", zh("年底前实现小区党组织全覆盖,物业服务满意度明显提升。")),
             ("SimHei", "二、工作措施"), ("STSong-Light", zh("建立联席会议制度,每月研究解决一批居民反映的问题。"))]
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number, (font, text) in enumerate(lines):
        page.setFont(font, 14)
        page.drawString(72, 700 - number * 40, text)
    page.showPage()
    page.save()
    [raw] = parse_file(Path("plan.pdf"), buffer.getvalue())
    assert [(block.kind, block.text) for block in raw.blocks] == [
        (BlockKind.HEADING, "一、工作目标"), (BlockKind.PARAGRAPH, lines[1][1]),
        (BlockKind.HEADING, "二、工作措施"), (BlockKind.PARAGRAPH, lines[3][1])]
