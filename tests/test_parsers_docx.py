import io
import zipfile
from pathlib import Path

import docx
import pytest
from fixtures_build import ARTICLE, docx_bytes

from ingest.errors import LimitExceeded, ParseError
from ingest.models import BlockKind
from ingest.parsers import parse_file, zipguard


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_title_headings_and_paragraphs_in_order():
    [raw] = parse_file(Path("report.docx"), docx_bytes(ARTICLE))
    assert raw.title == ARTICLE.title
    assert [(b.text, b.level) for b in raw.blocks if b.kind == BlockKind.HEADING] == [(h, 2) for h in ARTICLE.headings]
    assert [b.text for b in raw.blocks if b.kind == BlockKind.PARAGRAPH] == ARTICLE.paragraphs
    assert ARTICLE.title not in [b.text for b in raw.blocks]  # the title is metadata, not a section heading


def test_title_from_core_properties_and_outline_level_and_bold_headings():
    document = docx.Document()
    document.core_properties.title = "关于推进红色物业建设的实施意见"
    outlined = document.add_paragraph("第一章 总则")
    outlined.paragraph_format.element.get_or_add_pPr().append(
        outlined.paragraph_format.element.makeelement(docx.oxml.ns.qn("w:outlineLvl"), {docx.oxml.ns.qn("w:val"): "0"})
    )
    document.add_paragraph("第一条 为推进红色物业建设,结合本市实际,制定本意见。")
    document.add_paragraph().add_run("二、主要任务").bold = True
    document.add_paragraph("健全社区党组织领导下的物业管理协调机制。")
    [raw] = parse_file(Path("opinion.docx"), saved(document))
    assert raw.title == "关于推进红色物业建设的实施意见"
    assert [(b.kind, b.text, b.level) for b in raw.blocks] == [
        (BlockKind.HEADING, "第一章 总则", 1),
        (BlockKind.PARAGRAPH, "第一条 为推进红色物业建设,结合本市实际,制定本意见。", 0),
        (BlockKind.HEADING, "二、主要任务", 3),
        (BlockKind.PARAGRAPH, "健全社区党组织领导下的物业管理协调机制。", 0),
    ]


def test_table_rows_become_paragraphs():
    document = docx.Document()
    document.add_paragraph("各小区考评结果如下。")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, [("小区", "得分", "等级"), ("幸福里", "95", "优秀")]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    [raw] = parse_file(Path("table.docx"), saved(document))
    assert [b.text for b in raw.blocks] == ["各小区考评结果如下。", "小区 得分 等级", "幸福里 95 优秀"]


def test_not_a_zip_is_a_parse_error():
    with pytest.raises(ParseError, match="不是有效的 DOCX"):
        parse_file(Path("fake.docx"), "这其实是一个文本文件".encode())


def test_zip_without_word_document_is_a_parse_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a word file")
    with pytest.raises(ParseError, match="无法打开 DOCX"):
        parse_file(Path("other.docx"), buffer.getvalue())


def test_corrupt_member_is_a_parse_error():
    data = bytearray(docx_bytes(ARTICLE))
    start = data.find(b"word/document.xml") + 40  # inside that member's compressed data
    data[start:start + 64] = bytes(64)
    with pytest.raises(ParseError):
        parse_file(Path("broken.docx"), bytes(data))


def test_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (20 * 1024 * 1024))
    with pytest.raises(LimitExceeded, match="压缩比"):
        parse_file(Path("bomb.docx"), buffer.getvalue())


def test_total_inflated_size_is_limited(monkeypatch):
    monkeypatch.setattr(zipguard, "MAX_TOTAL_BYTES", 10_000)
    with pytest.raises(LimitExceeded, match="超过上限"):
        parse_file(Path("big.docx"), docx_bytes(ARTICLE))


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "word/../../evil.xml"])
def test_unsafe_member_names_are_refused(name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, "x")
    with pytest.raises(LimitExceeded, match="不安全的路径"):
        parse_file(Path("evil.docx"), buffer.getvalue())


def test_caption_style_paragraph_is_a_caption():
    document = docx.Document()
    document.add_paragraph("小区新装的电动车充电棚投入使用。")
    document.add_paragraph("图为居民在充电棚前试用", style="Caption")
    [raw] = parse_file(Path("photo.docx"), saved(document))
    assert [(b.kind, b.text) for b in raw.blocks] == [
        (BlockKind.PARAGRAPH, "小区新装的电动车充电棚投入使用。"), (BlockKind.CAPTION, "图为居民在充电棚前试用")]


CLAUSE_LIST = """<w:abstractNum %(ns)s w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%%1章"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:lvlRestart w:val="0"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="第%%2条"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="(%%3)"/></w:lvl>
</w:abstractNum>"""


def test_word_generated_chapter_and_article_numbers_are_kept():
    """条 run straight through the 章 (lvlRestart 0); 项 restart under each 条."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(CLAUSE_LIST % {"ns": nsdecls("w")}))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

    numbered("总则", 0)
    numbered("为了规范小区物业管理,制定本规定。", 1)
    numbered("本规定适用于本市住宅小区。", 1)
    numbered("业主委员会", 0)
    numbered("业主委员会由业主大会选举产生。", 1)
    numbered("召集业主大会会议;", 2)
    numbered("执行业主大会的决定。", 2)
    numbered("业主委员会每届任期五年。", 1)
    [raw] = parse_file(Path("rules.docx"), saved(document))
    assert [b.text for b in raw.blocks] == [
        "第一章 总则", "第一条 为了规范小区物业管理,制定本规定。", "第二条 本规定适用于本市住宅小区。",
        "第二章 业主委员会", "第三条 业主委员会由业主大会选举产生。", "(一) 召集业主大会会议;", "(二) 执行业主大会的决定。",
        "第四条 业主委员会每届任期五年。",
    ]


def test_list_number_style_numbers_are_kept():
    document = docx.Document()
    for text in ("清理楼道杂物", "修复单元门禁", "更换路灯"):
        document.add_paragraph(text, style="List Number")
    [raw] = parse_file(Path("tasks.docx"), saved(document))
    assert [b.text for b in raw.blocks] == ["1. 清理楼道杂物", "2. 修复单元门禁", "3. 更换路灯"]
