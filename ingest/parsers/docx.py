"""Word (.docx) files from offices: paragraphs and tables in order, headings kept as structure.

A heading is a paragraph in a "Heading N"/"标题 N" style, one with an outline level (set directly or by its
style), or a short paragraph that is bold throughout (how many office documents mark section titles).
Numbers Word generates for numbered paragraphs ("第%1条" lists) are put back in front of their text.
The container is checked for zip bombs and unsafe names before python-docx opens it.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.errors import ParseError
from ingest.models import Block, BlockKind, RawDocument
from ingest.parsers import register
from ingest.parsers.common import squeeze
from ingest.parsers.docx_numbering import Numbering
from ingest.parsers.zipguard import check_zip

HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
TITLE_STYLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)
CAPTION_STYLE = re.compile(r"^(?:caption|题注)$", re.IGNORECASE)
# A paragraph that is all bold and this short is a section heading, at the level of a "Heading 3".
BOLD_HEADING_LEVEL = 3
MAX_HEADING_CHARS = 60
# Core-property titles Word fills in by itself, which say nothing about the document.
PLACEHOLDER_TITLE = re.compile(r"^(?:microsoft word\s*-|untitled|无标题|文档\d*$|document\d*$)", re.IGNORECASE)


@register(".docx")
def parse_docx(path: Path, data: bytes) -> list[RawDocument]:
    check_zip(str(path), data, "DOCX")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 -- python-docx raises KeyError/ValueError/lxml errors on broken packages
        raise ParseError(str(path), f"无法打开 DOCX 文件(内容已损坏或不是 Word 文档:{type(error).__name__})") from None
    numbering = Numbering(document)
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            block = paragraph_block(item, numbering.label(item))
            if block is not None:
                blocks.append(block)
        elif isinstance(item, Table):
            blocks.extend(table_blocks(item))
    title = _title(document, blocks)
    if title is not None:
        blocks = [block for block in blocks if not (block.kind != BlockKind.PARAGRAPH and block.text == title)]
    return [RawDocument(source=path.name, path=str(path), blocks=blocks, fmt="docx", title=title)]


def paragraph_block(paragraph: Paragraph, label: str | None = None) -> Block | None:
    """The paragraph as a block; `label` is the number Word shows before it ("第三条", "2.")."""
    text = squeeze(paragraph.text)
    if not text:
        return None
    if label:
        text = f"{label} {text}"
    style = paragraph.style.name if paragraph.style is not None else ""
    if TITLE_STYLE.match(style or ""):
        return Block(text, BlockKind.TITLE, 0)
    if CAPTION_STYLE.match(style or ""):
        return Block(text, BlockKind.CAPTION, 0)
    level = _heading_level(paragraph, style or "")
    if level:
        return Block(text, BlockKind.HEADING, level)
    if len(text) <= MAX_HEADING_CHARS and _bold_throughout(paragraph):
        return Block(text, BlockKind.HEADING, BOLD_HEADING_LEVEL)
    return Block(text)


def table_blocks(table: Table) -> list[Block]:
    """One paragraph per row; a merged cell repeats in python-docx, so each cell is taken once."""
    blocks = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = squeeze(cell.text)
            if text and text not in cells:
                cells.append(text)
        if cells:
            blocks.append(Block(" ".join(cells)))
    return blocks


def _heading_level(paragraph: Paragraph, style: str) -> int:
    match = HEADING_STYLE.match(style)
    if match:
        return int(match.group(1))
    style_element = paragraph.style.element if paragraph.style is not None else None
    for element in (paragraph._p.pPr, style_element.pPr if style_element is not None else None):
        outline = element.find(qn("w:outlineLvl")) if element is not None else None
        if outline is not None:
            value = int(outline.get(qn("w:val"), "9"))
            if value < 9:  # 9 means "body text"
                return value + 1
    return 0


def _bold_throughout(paragraph: Paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    return bool(runs) and all(run.bold or (run.bold is None and style_bold) for run in runs)


def _title(document, blocks: list[Block]) -> str | None:
    stated = squeeze(document.core_properties.title or "")
    if stated and not PLACEHOLDER_TITLE.match(stated):
        return stated
    for block in blocks:
        if block.kind == BlockKind.TITLE:
            return block.text
    first_heading = next((block for block in blocks if block.kind == BlockKind.HEADING), None)
    if first_heading is not None and blocks and blocks[0] is first_heading and first_heading.level == 1:
        return first_heading.text
    return None
