"""OFD (GB/T 33190, China's format for official electronic documents): the text layer, laid out like a PDF.

An OFD is a zip of XML pages. Our zip guard (zipguard.py) checks the container first; `ofdkit` (pure Python,
no dependencies, refuses DTDs, limits part sizes) reads the pages into positioned text runs with their font
sizes. The runs become `pdf_layout` lines, so reading order, paragraphs, running headers, headings by size
and the cover-page title work as for a PDF. An OFD that is a scan (images only) is reported as needing OCR.
"""
from __future__ import annotations

from pathlib import Path

import ofdkit

from ingest.errors import NeedsOCR, ParseError
from ingest.models import RawDocument
from ingest.parsers import register
from ingest.parsers.pdf_layout import Line, layout_document
from ingest.parsers.zipguard import check_zip

# An OFD's DocInfo title is often the producing program's file name; one shaped like that is not a title.
FILE_NAME_TITLE = (".ofd", ".doc", ".docx", ".wps", ".pdf")


@register(".ofd")
def parse_ofd(path: Path, data: bytes) -> list[RawDocument]:
    check_zip(str(path), data, "OFD")
    try:
        with ofdkit.open(data) as document:
            pages = [_lines(page) for page in document.pages]
            stated = (document.info.title or "").strip()
    except ofdkit.OFDError as error:
        raise ParseError(str(path), f"无法读取 OFD 文件(结构损坏或不符合 GB/T 33190:{error})") from None
    if not any(pages):
        raise NeedsOCR(str(path), "OFD 没有文字层(扫描件),需要 OCR 才能导入;请先转为 PDF 再导入")
    blocks, title, issuer = layout_document(pages)
    if stated and not stated.lower().endswith(FILE_NAME_TITLE):
        title = stated
    return [RawDocument(source=path.name, path=str(path), blocks=blocks, fmt="ofd", title=title, publisher=issuer)]


def _lines(page) -> list[Line]:
    """The page's runs as lines: runs on one baseline joined left to right (an OFD places text in pieces,
    often one character per run); coordinates in millimetres from the page top, as pdf_layout expects."""
    rows: list[list] = []
    for run in sorted(page.runs, key=lambda run: (round(run.y, 1), run.x)):
        if rows and abs(rows[-1][0].y - run.y) <= 0.3 * run.size and abs(rows[-1][0].size - run.size) < 0.5 \
                and run.x - (rows[-1][-1].x + rows[-1][-1].width) < 2 * run.size:
            rows[-1].append(run)
        else:
            rows.append([run])
    lines = []
    for row in rows:
        text = "".join(run.text for run in row).strip()
        if text:
            size = row[0].size
            lines.append(Line(text, row[0].x, row[-1].x + row[-1].width, row[0].y - size, row[0].y + 0.2 * size,
                              size, page.height))
    return sorted(lines, key=lambda line: (line.top, line.x0))
