"""Reading order and paragraphs from positioned text lines, for PDF pages (format-independent geometry).

Each page is cut into horizontal bands (lines that overlap vertically); consecutive bands sharing a vertical
gutter form a multi-column region read column by column, so a headline across the page is read before the
columns under it and two columns are never interleaved line by line. Lines become paragraphs at an indent,
a wider gap, a short last line or an enumerator ("第十二条", "(一)"); a paragraph cut by a column or page end
continues when the next column starts unindented. Running headers/footers and page numbers are dropped;
text set larger than the body is a heading, and so is a short line set bold at body size (the 黑体 headings of
official documents). The title is the largest text of the first pages (a cover page's), never the issuing body's
line (发文机关标志, often set larger still), a date or a document number.
"""
from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ingest.models import Block, BlockKind
from ingest.parsers.common import iso_date, squeeze

# A vertical strip at least this wide (in body-font widths) with no text is a column gutter.
MIN_GUTTER_EMS = 0.8
# A line starting this far (in ems) right of its column's left edge starts a paragraph (Chinese 2-char indent).
INDENT_EMS = 1.0
# A line ending this far (in ems) short of its column's right edge ends its paragraph.
SHORT_LINE_EMS = 2.0
# A vertical gap larger than this (in line heights) separates paragraphs.
PARAGRAPH_GAP = 0.8
# Text this much larger than the body font is a heading.
HEADING_SCALE = 1.15
# Share of the page height at the top and bottom where running headers, footers and page numbers live.
MARGIN_ZONE = 0.12
RUNNING_LINE_TOLERANCE = 4  # points: a running header sits in the same place on every page
RUNNING_LINE_SHARE = 0.4  # ...of the pages (odd and even pages may carry different ones)
PAGE_NUMBER = re.compile(
    r"^(?:[-—–·\s]*\d{1,4}[-—–·\s]*|第\s*\d+\s*页(?:\s*[/,\uff0f\uff0c]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|"
    r"(?:page\s*)?\d+\s*(?:of\s*\d+)?)$",
    re.IGNORECASE,
)
# Newspaper page furniture: the edition ("第3版", "A03版") and weekday ("星期六") in a page's top/bottom zone.
EDITION_LINE = re.compile(r"第\s*[\d一二三四五六七八九十]+\s*版|\b[A-Z]\d{1,2}\s*版|星期[一二三四五六日天]")
# Full-width forms are written as escapes so no editor can silently turn them into ASCII.
SENTENCE_END = "\u3002\uff01\uff1f!?\uff1b;\u2026\uff1a:\u201d\u2019\u300d\u300f)\uff09"
# A line opening with an article/chapter label or a list enumerator ("第十二条", "第三章", "(一)", "二、", "3.")
# after a finished sentence starts a paragraph even without an indent (regulations are often set flush left).
ENUMERATOR = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百千零〇两\d]+[编章节条款]|[一二三四五六七八九十]+、|[(\uff08][一二三四五六七八九十\d]+[)\uff09]|\d+[.\u3001\uff0e](?!\d))"
)


# A bold line at body size this short, not ending a sentence, is a heading.
MAX_BOLD_HEADING_CHARS = 40
# The title is looked for on this many first pages (a cover page, then the first page of the text).
COVER_PAGES = 2
# The issuing body's line: an organisation's name ("××市人民政府"), nothing else.
ISSUER_LINE = re.compile(
    r"(?:人民代表大会常务委员会|常务委员会|人民政府|办公厅|办公室|委员会|工作委员会|党委|党组|局|厅|委|部|署|院|"
    r"街道办事处|办事处|中心|协会|联合会|总工会)$"
)
# What may follow the name on the issuer's line: the kind of paper it issues, and its number.
ISSUER_PAPER = re.compile(r"(?:文件|公告|令)$")
ISSUE_NUMBER = re.compile(r"[(\uff08]?第[\d一二三四五六七八九十百零〇]+号[)\uff09]?$")
# Words a document title carries (its genre or 关于); a line with one is never the issuer's.
TITLE_WORD = re.compile(r"关于|条例|办法|规定|细则|通知|方案|意见|决定|规则|规范|指引|通告|纲要|规划|守则|准则|标准|报告|决议|公告")
# A document number: "京政发〔2024〕3号".
DOC_NUMBER = re.compile(r"[〔\[【(\uff08]\s*(?:19|20)\d{2}\s*[〕\]】)\uff09]\s*\d+\s*号")
MAX_DATE_LINE_CHARS = 30
SIZE_STEP = 0.5  # points: sizes this close are one size
GROUP_GAP = 1.2  # lines of one title or name stand at most this many line heights apart

# A paragraph continues onto the next page only if the page before is filled down to this share of its height.
PAGE_FILLED = 0.7
# A regulation's 编/章/节/条 label opens a paragraph even after an unfinished line (a cover page's date).
DIVISION = re.compile(r"^\s*第[一二三四五六七八九十百千零〇两\d]+[编章节条](?:\s|$)")

Span = tuple[float, float]  # an x-interval on the page


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float  # distance from the page top, so smaller is higher
    bottom: float
    size: float
    page_height: float
    bold: bool = False  # set in a bold or black (黑体) face throughout
    page: int = 0  # set by layout_document


@dataclass
class Chunk:
    """Lines of one column of one region, in order, with the column's edges (for indents and short lines)."""

    lines: list[Line]
    left: float
    right: float


def drop_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """Remove, from the top and bottom zones of pages, page numbers, edition lines ("第3版", "星期六") and
    lines repeated in the same place on many pages (digits ignored, so "城市晨报 2024年7月27日" matches)."""

    def in_margin(line: Line) -> bool:
        return line.bottom <= MARGIN_ZONE * line.page_height or line.top >= (1 - MARGIN_ZONE) * line.page_height

    def text_key(line: Line) -> str:
        return re.sub(r"\d+", "#", "".join(line.text.split()))

    placed: dict[str, list[tuple[int, Line]]] = {}
    for number, page in enumerate(pages):
        for line in page:
            if in_margin(line):
                placed.setdefault(text_key(line), []).append((number, line))
    needed = max(2, math.ceil(RUNNING_LINE_SHARE * len(pages)))

    def repeated(line: Line) -> bool:
        same_place = {number for number, other in placed[text_key(line)] if _same_place(line, other)}
        return len(same_place) >= needed

    def running(line: Line) -> bool:
        text = line.text.strip()
        return bool(PAGE_NUMBER.match(text) or EDITION_LINE.search(text) or repeated(line))

    return [[line for line in page if not (in_margin(line) and running(line))] for page in pages]


def _same_place(line: Line, other: Line) -> bool:
    """Same height, and the same left edge or centre (a centred header shifts as its page number grows)."""
    if abs(line.top - other.top) > RUNNING_LINE_TOLERANCE:
        return False
    centre, other_centre = (line.x0 + line.x1) / 2, (other.x0 + other.x1) / 2
    return abs(line.x0 - other.x0) <= RUNNING_LINE_TOLERANCE or abs(centre - other_centre) <= RUNNING_LINE_TOLERANCE


def reading_order(lines: list[Line]) -> list[Chunk]:
    """Bands of vertically overlapping lines; consecutive bands with a shared gutter are read column-wise."""
    if not lines:
        return []
    em = statistics.median(line.size for line in lines)
    extent = (min(line.x0 for line in lines), max(line.x1 for line in lines))
    bands: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: line.top):
        if bands and line.top < max(other.bottom for other in bands[-1]) - 0.2 * line.size:
            bands[-1].append(line)
        else:
            bands.append([line])
    regions: list[tuple[list[Line], list[Span]]] = []
    for band in bands:
        gutters = _interior(band, _gutters(band, extent, em))
        if regions:
            region, region_gutters = regions[-1]
            if region_gutters:  # columns going on, maybe with one of them empty in this band
                shared = _interior(region + band, _intersect(region_gutters, _gutters(band, extent, em), em))
            elif gutters and _stacked(region, band):  # a column that started higher than its neighbour
                shared = _interior(region + band, _intersect(_gutters(region, extent, em), gutters, em))
            else:
                shared = []
            if shared or (not region_gutters and not gutters):
                regions[-1] = (region + band, shared)
                continue
        regions.append((band, gutters))
    chunks: list[Chunk] = []
    for region, gutters in regions:
        if not gutters:
            chunks.append(Chunk(sorted(region, key=lambda line: (line.top, line.x0)), *extent))
            continue
        cut = (gutters[0][0] + gutters[0][1]) / 2
        left = [line for line in region if line.x1 <= cut]
        right = [line for line in region if line.x0 >= cut]
        if not left or not right:  # the "gutter" is blank margin beside every line: one column
            chunks.append(Chunk(sorted(region, key=lambda line: (line.top, line.x0)), *extent))
            continue
        chunks.extend(reading_order(left))
        chunks.extend(reading_order(right))
    return chunks


def _gutters(lines: list[Line], extent: Span, em: float) -> list[Span]:
    """x-intervals of the text's extent that no line of the band covers, at least MIN_GUTTER_EMS wide
    (beside a line alone in its column, the whole other column is such an interval)."""
    gaps, reach = [], extent[0]
    for x0, x1 in sorted((line.x0, line.x1) for line in lines):
        if x0 - reach >= MIN_GUTTER_EMS * em:
            gaps.append((reach, x0))
        reach = max(reach, x1)
    if extent[1] - reach >= MIN_GUTTER_EMS * em:
        gaps.append((reach, extent[1]))
    return gaps


def _stacked(upper: list[Line], lower: list[Line]) -> bool:
    """Every upper line sits over some lower line (shares x-range with it): the same column continues,
    unlike a centred headline over a band that is already split in columns."""
    return all(any(min(top.x1, low.x1) > max(top.x0, low.x0) for low in lower) for top in upper)


def _interior(lines: list[Line], gutters: list[Span]) -> list[Span]:
    """The gutters with text on both sides: real column gaps, not a blank margin or an empty column."""
    return [(g0, g1) for g0, g1 in gutters
            if any(line.x1 <= g0 for line in lines) and any(line.x0 >= g1 for line in lines)]


def _intersect(first: list[Span], second: list[Span], em: float) -> list[Span]:
    shared = []
    for a0, a1 in first:
        for b0, b1 in second:
            if min(a1, b1) - max(a0, b0) >= MIN_GUTTER_EMS * em:
                shared.append((max(a0, b0), min(a1, b1)))
    return shared


def body_size(pages: list[list[Line]]) -> float:
    sizes = Counter()
    for page in pages:
        for line in page:
            sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def layout_document(pages: list[list[Line]]) -> tuple[list[Block], str | None, str | None]:
    """Blocks in reading order, the title (cover page or first page) and the issuing body, if stated."""
    for number, page in enumerate(pages):
        for line in page:
            line.page = number
    body = body_size(pages)
    title, issuer = cover_title(pages, body)
    pages = drop_running_lines(pages)
    blocks = layout_blocks([chunk for page in pages for chunk in reading_order(page)], body)
    return mark_title(blocks, title, issuer), title, issuer


def cover_title(pages: list[list[Line]], body: float) -> tuple[str | None, str | None]:
    """(title, issuer) from the first pages' heading-sized text, read in groups (consecutive lines at one size:
    a title or an issuer's name set on two lines). The title is the largest group that is not an issuer's line,
    a date, a document number or a numbered division, when one group only is set at that size (several: the
    headlines of a newspaper page, no one title); the issuer is the first issuer group above it."""
    groups = [group for group in _size_groups([line for page in pages[:COVER_PAGES] for line in page])
              if group[0].size >= HEADING_SCALE * body]
    texts = ["".join(line.text for line in group) for group in groups]
    candidates = [index for index, text in enumerate(texts) if not (_is_issuer(text) or _not_a_title(text))]
    if not candidates:
        return None, None
    largest = max(groups[index][0].size for index in candidates)
    at_size = [index for index in candidates if abs(groups[index][0].size - largest) <= SIZE_STEP]
    if len(at_size) != 1:
        return None, None
    title = squeeze("\n".join(line.text for line in groups[at_size[0]]))
    above = [text for text in texts[: at_size[0]] if _is_issuer(text)]
    issuer = ISSUER_PAPER.sub("", ISSUE_NUMBER.sub("", "".join(above[0].split()))) if above else None
    return title, issuer or None


def _size_groups(lines: list[Line]) -> list[list[Line]]:
    """Runs of consecutive lines on one page at one size, each line close under the one before."""
    groups: list[list[Line]] = []
    for line in lines:
        last = groups[-1][-1] if groups else None
        if last is not None and last.page == line.page and abs(last.size - line.size) <= SIZE_STEP \
                and 0 <= line.top - last.bottom <= GROUP_GAP * line.size:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _is_issuer(text: str) -> bool:
    """"××市人民政府", "××局文件", "××人民代表大会常务委员会公告(第3号)": an organisation, maybe with the
    kind of paper it issues, and no title words."""
    compact = ISSUE_NUMBER.sub("", "".join(text.split()))
    compact = ISSUER_PAPER.sub("", compact)
    return bool(ISSUER_LINE.search(compact)) and not TITLE_WORD.search(compact)


def _not_a_title(text: str) -> bool:
    """A date, a document number or a numbered division ("第一章 总则", "一、总体要求")."""
    compact = "".join(text.split())
    if ENUMERATOR.match(compact):
        return True
    dated = len(compact) <= MAX_DATE_LINE_CHARS and iso_date(compact) is not None and not TITLE_WORD.search(compact)
    return dated or bool(DOC_NUMBER.search(compact))


def mark_title(blocks: list[Block], title: str | None, issuer: str | None) -> list[Block]:
    """The block holding the title becomes the TITLE (and the only one); the issuer's line goes."""
    if title is None:
        return blocks
    for block in blocks:
        if block.kind == BlockKind.TITLE:
            block.kind, block.level = BlockKind.HEADING, 1
    for block in blocks:
        if block.kind == BlockKind.HEADING and "".join(block.text.split()) == "".join(title.split()):
            block.kind, block.level = BlockKind.TITLE, 0
            break
    if issuer:  # stated as the publisher; as text it would head the first passages
        for index, block in enumerate(blocks):
            if block.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH) and _is_issuer(block.text):
                del blocks[index]
                break
    return blocks


def layout_blocks(chunks: list[Chunk], body_size: float) -> list[Block]:
    heading_sizes = sorted({round(line.size, 1) for chunk in chunks for line in chunk.lines
                            if line.size >= HEADING_SCALE * body_size}, reverse=True)
    blocks: list[Block] = []
    previous: tuple[Line, Chunk] | None = None  # the line before, and its column (maybe the previous one)
    for chunk in chunks:
        for line in chunk.lines:
            if _bold_heading(line, body_size):
                blocks.append(Block(squeeze(line.text), BlockKind.HEADING, len(heading_sizes) + 1))
            elif line.size >= HEADING_SCALE * body_size:
                level = heading_sizes.index(round(line.size, 1)) + 1
                last = blocks[-1] if blocks else None
                if last and last.kind == BlockKind.HEADING and last.level == level and previous is not None \
                        and previous[0].size == line.size and previous[1] is chunk:
                    last.text = squeeze(last.text + "\n" + line.text)  # a headline set on two lines
                else:
                    blocks.append(Block(squeeze(line.text), BlockKind.HEADING, level))
            elif blocks and blocks[-1].kind == BlockKind.PARAGRAPH and not _starts_paragraph(
                    line, chunk, previous, blocks[-1].text):
                blocks[-1].text = squeeze(blocks[-1].text + "\n" + line.text)
            else:
                blocks.append(Block(squeeze(line.text)))
            previous = (line, chunk)
    # The largest text, set once at the start, is the title; several at that size are several headlines
    # (articles of a page) or chapter titles, and stay headings.
    top = [block for block in blocks if block.kind == BlockKind.HEADING and block.level == 1]
    if blocks and len(top) == 1 and blocks[0] is top[0]:
        blocks[0].kind = BlockKind.TITLE
    return blocks


def _bold_heading(line: Line, body_size: float) -> bool:
    text = line.text.strip()
    return line.bold and abs(line.size - body_size) <= SIZE_STEP and len(text) <= MAX_BOLD_HEADING_CHARS \
        and text[-1:] not in SENTENCE_END


def _starts_paragraph(line: Line, chunk: Chunk, previous: tuple[Line, Chunk] | None, paragraph: str) -> bool:
    """Whether `line` begins a new paragraph rather than continuing `paragraph` (the text so far).

    At the top of a column or page the gap to the line before means nothing; an unindented line there
    continues the paragraph unless that line ended short after a finished sentence.
    """
    finished = paragraph[-1:] in SENTENCE_END
    if line.x0 - chunk.left >= INDENT_EMS * line.size or (finished and ENUMERATOR.match(line.text)):
        return True
    if DIVISION.match(line.text):
        return True
    if previous is None:
        return True
    before, before_chunk = previous
    if line.page != before.page and before.bottom < PAGE_FILLED * before.page_height:
        return True  # the page before ended early (a cover page, a closing section): nothing runs over
    ended_short = before_chunk.right - before.x1 >= SHORT_LINE_EMS * before.size
    if before_chunk is chunk and line.top - before.bottom > PARAGRAPH_GAP * line.size:
        return True
    return ended_short and finished
