"""PDF (e-paper pages, exported documents) → blocks in reading order, via pdfminer.six.

pdfminer gives text lines with positions (its own box grouping is off: it interleaves columns);
`pdf_layout` puts them in reading order and into paragraphs, and finds the title (a cover page's largest text).
Pages without a text layer, or whose text is `(cid:N)` garbage from fonts without a ToUnicode map, are OCR'd
page by page where tesseract is installed (a mixed file keeps its text pages as they are), else the file is
reported as needing OCR. Encrypted, truncated and non-PDF files are parse errors with the reason.
"""
from __future__ import annotations

import io
import logging
import re
import statistics
import time
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTImage, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException, PSException
from pdfminer.pdfparser import PDFSyntaxError

from ingest.decode import common_ratio
from ingest.errors import LimitExceeded, NeedsOCR, ParseError
from ingest.models import Block, RawDocument
from ingest.parsers import ocr, register
from ingest.parsers.pdf_layout import Line, layout_document

# pdfminer logs every font quirk of real-world files as a warning; the outcome is reported per file instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
# Small char_margin keeps lines from jumping a column gutter; line grouping into boxes is not used.
LAYOUT = LAParams(char_margin=1.0, line_margin=0.3, word_margin=0.1, boxes_flow=None)
PDF_HEADER, HEADER_WINDOW = b"%PDF-", 1024  # the header may follow a little junk
PARSE_SECONDS = 120  # a pathological file is abandoned, not allowed to hold the batch
CID_TOKEN = re.compile(r"\(cid:\d+\)")
# Below this many characters per page, or with this share of (cid:N) tokens or uncommon characters, the
# text layer is missing or unreadable and the page needs OCR.
MIN_CHARS_PER_PAGE = 10
MAX_CID_SHARE = 0.2
MIN_COMMON_RATIO = 0.5
# Font names of bold and black faces (Latin "Bold", Chinese 黑体 as SimHei/STHeiti/方正黑体 "FZHei…").
BOLD_FONT = re.compile(r"bold|black|heavy|hei|黑体", re.IGNORECASE)


@register(".pdf")
def parse_pdf(path: Path, data: bytes) -> list[RawDocument]:
    pages, pictured = _read_pages(path, data)
    # A page without usable text is OCR'd if it holds a picture (a scan) or garbled text; a blank one is skipped.
    scanned = [number for number, page in enumerate(pages)
               if _unreadable(text := "".join(line.text for line in page), 1) and (number in pictured or text.strip())]
    if not scanned:
        blocks, title, issuer = layout_document(pages)
        return [RawDocument(source=path.name, path=str(path), blocks=blocks, fmt="pdf", title=title, publisher=issuer)]
    return _with_ocr(path, data, pages, scanned)


def _read_pages(path: Path, data: bytes) -> tuple[list[list[Line]], set[int]]:
    """The text lines of each page, and the numbers of the pages holding a picture."""
    if not data.strip():
        raise ParseError(str(path), "文件为空")
    if PDF_HEADER not in data[:HEADER_WINDOW]:
        raise ParseError(str(path), "不是 PDF 文件(缺少 %PDF 文件头)")
    started = time.monotonic()
    pages: list[list[Line]] = []
    pictured: set[int] = set()
    try:
        for layout in extract_pages(io.BytesIO(data), laparams=LAYOUT):
            if ocr.images_of(layout):
                pictured.add(len(pages))
            pages.append(_lines_of(layout))
            if time.monotonic() - started > PARSE_SECONDS:
                raise LimitExceeded(str(path), f"PDF 解析超过 {PARSE_SECONDS} 秒,已放弃(文件过大或结构异常)")
    except (PDFEncryptionError, PDFPasswordIncorrect):
        raise ParseError(str(path), "PDF 已加密(需要密码),请先解除加密再导入") from None
    except (PDFSyntaxError, PSException, PDFException) as error:
        raise ParseError(str(path), f"PDF 文件损坏或不完整({type(error).__name__}: {error})") from None
    except (ValueError, KeyError, TypeError, AssertionError) as error:  # pdfminer's reaction to broken objects
        raise ParseError(str(path), f"PDF 文件损坏或不完整({type(error).__name__}: {error})") from None
    if not pages:
        raise ParseError(str(path), "PDF 文件中没有页面(文件损坏或不完整)")
    return pages, pictured


def _lines_of(layout) -> list[Line]:
    lines: list[Line] = []
    stack = list(layout)
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextLine):
            text = item.get_text().strip()
            sizes = [char.size for char in item if isinstance(char, LTChar)]
            if text and sizes:
                fonts = [char.fontname for char in item if isinstance(char, LTChar)]
                lines.append(Line(text, item.x0, item.x1, layout.height - item.y1, layout.height - item.y0,
                                  statistics.median(sizes), layout.height,
                                  bold=all(BOLD_FONT.search(font or "") for font in fonts)))
        elif not isinstance(item, (LTChar, LTImage)) and hasattr(item, "__iter__"):
            stack.extend(item)
    return sorted(lines, key=lambda line: (line.top, line.x0))


def _unreadable(text: str, page_count: int) -> bool:
    compact = "".join(text.split())
    if len(compact) < MIN_CHARS_PER_PAGE * page_count:
        return True
    cid = sum(len(token) for token in CID_TOKEN.findall(compact))
    if cid / len(compact) > MAX_CID_SHARE:
        return True
    return common_ratio(CID_TOKEN.sub("", compact)) < MIN_COMMON_RATIO


def _with_ocr(path: Path, data: bytes, pages: list[list[Line]], scanned: list[int]) -> list[RawDocument]:
    """Text pages laid out as usual, each scanned page OCR'd in its place; NeedsOCR without tesseract."""
    garbled = any("".join(line.text for line in pages[number]).strip() for number in scanned)
    reason = "PDF 的文字层是乱码(字体缺少 ToUnicode 映射)" if garbled else "PDF 没有文字层(扫描件或图片)"
    if len(scanned) < len(pages):
        reason = f"PDF 第 {'、'.join(str(number + 1) for number in scanned)} 页没有可用的文字层(扫描件或乱码)"
    if not ocr.available():
        raise NeedsOCR(str(path), f"{reason},需要 OCR 才能导入。{ocr.INSTALL_HINT}")
    read = ocr.ocr_pages(path, data, scanned)
    blocks: list[Block] = []
    title = issuer = None
    text_run: list[list[Line]] = []

    def flush_text() -> None:
        nonlocal title, issuer
        if text_run:
            run_blocks, run_title, run_issuer = layout_document(text_run)
            if not blocks:
                title, issuer = run_title, run_issuer
            blocks.extend(run_blocks)
            text_run.clear()

    for number, page in enumerate(pages):
        if number in read:
            flush_text()
            blocks.extend(Block(paragraph) for paragraph in ocr.paragraphs(read[number]))
        elif number not in scanned:
            text_run.append(page)
    flush_text()
    if not blocks:
        raise NeedsOCR(str(path), f"{reason},OCR 也没有识别出文字")
    fmt = "pdf-ocr" if len(scanned) == len(pages) else "pdf"
    return [RawDocument(source=path.name, path=str(path), blocks=blocks, fmt=fmt, title=title, publisher=issuer)]
