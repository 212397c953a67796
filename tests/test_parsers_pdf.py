import io
import os
from pathlib import Path

import pytest
from fixtures_build import ARTICLE, encrypted_pdf, garbled_pdf, image_only_pdf, two_column_pdf, zh
from pdfminer.high_level import extract_pages

from ingest.errors import NeedsOCR, ParseError
from ingest.models import BlockKind
from ingest.parsers import ocr, parse_file


@pytest.fixture(scope="module")
def newspaper() -> bytes:
    return two_column_pdf(ARTICLE)


def test_fixture_really_is_two_columns_over_two_pages(newspaper):
    assert len(list(extract_pages(io.BytesIO(newspaper)))) == 2


def test_two_columns_read_column_by_column_with_paragraphs_joined_across_columns_and_pages(newspaper):
    [raw] = parse_file(Path("paper.pdf"), newspaper)
    assert [b.text for b in raw.blocks if b.kind == BlockKind.PARAGRAPH] == ARTICLE.paragraphs


def test_headline_and_section_headings_from_font_size(newspaper):
    [raw] = parse_file(Path("paper.pdf"), newspaper)
    assert (raw.blocks[0].kind, raw.blocks[0].text) == (BlockKind.TITLE, ARTICLE.title)
    assert [b.text for b in raw.blocks if b.kind == BlockKind.HEADING] == ARTICLE.headings


def test_running_header_and_page_numbers_are_dropped(newspaper):
    [raw] = parse_file(Path("paper.pdf"), newspaper)
    text = "\n".join(b.text for b in raw.blocks)
    assert "社区周刊" not in text and "- 1 -" not in text and "- 2 -" not in text


def test_page_number_and_edition_line_are_dropped_on_a_single_page():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 600, "业主大会决定续聘物业服务企业,合同期三年。")
    page.drawCentredString(A4[0] / 2, 30, "第 3 页 共 12 页")
    page.drawString(72, A4[1] - 40, "城市晨报  2024年7月27日 星期六  第3版 社区")
    page.showPage()
    page.save()
    [raw] = parse_file(Path("one.pdf"), buffer.getvalue())
    assert [b.text for b in raw.blocks] == ["业主大会决定续聘物业服务企业,合同期三年。"]


def test_scan_without_text_layer_needs_ocr_and_says_how_to_enable_it(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)  # as on a machine without tesseract
    with pytest.raises(NeedsOCR) as caught:
        parse_file(Path("scan.pdf"), image_only_pdf())
    assert "scan.pdf" in str(caught.value) and "没有文字层" in caught.value.reason
    assert "tesseract-ocr-chi-sim" in caught.value.reason


def test_cid_garbage_is_reported_as_needing_ocr_not_indexed(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)  # as on a machine without tesseract
    with pytest.raises(NeedsOCR, match="乱码"):
        parse_file(Path("garbled.pdf"), garbled_pdf())


def test_ocr_output_loses_the_spaces_between_chinese_characters():
    page = "红 色 物 业 让 小 区 焕 发\n新 活 力 , 居 民 点 赞 。\n\n第 二 段 , 共 有 12 个 小 区 参 加 Open Day 活 动 。\n"
    assert ocr.paragraphs(page) == ["红色物业让小区焕发新活力,居民点赞。", "第二段,共有12个小区参加Open Day活动。"]


def test_encrypted_pdf_is_a_parse_error_saying_so():
    with pytest.raises(ParseError, match="加密"):
        parse_file(Path("secret.pdf"), encrypted_pdf())


@pytest.mark.parametrize("cut", [3000, -2000])
def test_truncated_pdf_is_a_parse_error(newspaper, cut):
    with pytest.raises(ParseError, match="损坏或不完整"):
        parse_file(Path("cut.pdf"), newspaper[:cut])


def test_regulation_set_flush_left_keeps_one_paragraph_per_article():
    from fixtures_build import REGULATION, policy_pdf, zh

    [raw] = parse_file(Path("rules.pdf"), policy_pdf())
    assert [(b.kind, b.text) for b in raw.blocks] == [
        item for title, clauses in REGULATION
        for item in [(BlockKind.HEADING, title), *[(BlockKind.PARAGRAPH, zh(clause)) for clause in clauses]]
    ]


FAKE_TESSERACT = """#!/bin/sh
# Stands in for Debian's tesseract: lists chi_sim, and "reads" any existing image as spaced-out Chinese.
if [ "$1" = "--list-langs" ]; then printf 'List of available languages (2):\\nchi_sim\\neng\\n'; exit 0; fi
[ -s "$1" ] || { echo "cannot read $1" >&2; exit 1; }
printf '红 色 物 业 进 小 区 , 居 民 笑 开 颜 。\\n\\n第 二 段 文 字 。\\n'
"""


def test_scan_is_ocred_when_tesseract_with_chi_sim_is_installed(tmp_path, monkeypatch):
    fake = tmp_path / "tesseract"
    fake.write_text(FAKE_TESSERACT)
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    ocr.available.cache_clear()
    try:
        [raw] = parse_file(Path("scan.pdf"), image_only_pdf())
    finally:
        ocr.available.cache_clear()
    assert raw.fmt == "pdf-ocr"
    assert [b.text for b in raw.blocks] == ["红色物业进小区,居民笑开颜。", "第二段文字。"]


def test_page_with_two_articles_reads_each_article_whole():
    from fixtures_build import Article, newspaper_page, widened

    side = widened(Article(title="社区食堂开张", sections=[(None, [
        "社区食堂由物业企业运营,为辖区老年居民提供优惠午餐,每天供应两荤两素。",
        "开业当天,不少居民前来品尝,大家对饭菜的口味和价格都很满意。"])]))
    data = newspaper_page(ARTICLE, side, size=11)
    lefts = {round(line.x0, -1) for page in extract_pages(io.BytesIO(data)) for box in page
             if hasattr(box, "get_text") for line in box}
    assert len({x // 150 for x in lefts}) == 3  # text really sits in three columns
    [raw] = parse_file(Path("page3.pdf"), data)
    expected = [(BlockKind.HEADING, ARTICLE.title)]
    for heading, paragraphs in ARTICLE.sections:
        expected += [(BlockKind.HEADING, heading)] if heading else []
        expected += [(BlockKind.PARAGRAPH, text) for text in paragraphs]
    expected += [(BlockKind.HEADING, side.title)] + [(BlockKind.PARAGRAPH, text) for text in side.paragraphs]
    assert [(b.kind, b.text) for b in raw.blocks] == expected


@pytest.mark.parametrize("size", [9, 11])
def test_long_two_column_report_keeps_every_paragraph_across_many_column_and_page_breaks(size):
    from fixtures_build import Article

    sections = [((f"{heading}({round_})" if heading else None),
                 [f"{text[:8 + (round_ * 7 + index) % 30]}(第{round_}-{index}段){text}"
                  for index, text in enumerate(texts)])
                for round_ in range(10) for heading, texts in ARTICLE.sections]
    report = Article(ARTICLE.title, sections)
    data = two_column_pdf(report, size=size)
    assert len(list(extract_pages(io.BytesIO(data)))) >= 4
    [raw] = parse_file(Path("report.pdf"), data)
    assert [b.text for b in raw.blocks if b.kind == BlockKind.PARAGRAPH] == report.paragraphs
    assert [b.text for b in raw.blocks if b.kind == BlockKind.HEADING] == report.headings


def test_short_centred_title_is_not_taken_for_a_column():
    """A short title centred over the gutter, above a left column opening with a heading and a right column
    opening with an indented paragraph: the title must not pull the right column's first line out."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("STSong-Light", 24)
    page.drawCentredString(A4[0] / 2, 760, "通知")
    page.setFont("STSong-Light", 14)
    page.drawString(56, 715, "一、总体要求")
    left = ["各街道要把红色物业建设列入年度重点", "工作,明确责任人和完成时限,每季度", "向区委报告一次进展情况。"]
    right = ["(五)物业企业党组织书记原则上由", "党员项目经理担任,暂不具备条件的由", "社区党组织选派。"]
    page.setFont("STSong-Light", 12)
    page.drawString(340, 716, zh(right[0]))
    for number, line in enumerate(left):
        page.drawString(80 if number == 0 else 56, 690 - 18 * number, zh(line))
    for number, line in enumerate(right[1:], start=1):
        page.drawString(316, 716 - 18 * number, zh(line))
    page.showPage()
    page.save()
    [raw] = parse_file(Path("notice.pdf"), buffer.getvalue())
    assert [(b.kind, b.text) for b in raw.blocks] == [
        (BlockKind.TITLE, "通知"), (BlockKind.HEADING, "一、总体要求"),
        (BlockKind.PARAGRAPH, zh("".join(left))), (BlockKind.PARAGRAPH, zh("".join(right)))]
