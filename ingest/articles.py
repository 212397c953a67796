"""Split a cleaned page into articles: title, subtitle/引题, byline, dateline, source note, body lines.

An article starts at a heading (or a short group of them: 引题 + 主题 + 副题) when
- a byline or a dateline follows within the first paragraphs ("记者 王皇 孟杰", "本报威海7月27日讯"), or
- the previous article has just ended with a source note ("(市物协 供稿)", "(本组图片由…提供)"), or
- the file format marks it as a title, or it is the page's first top-level heading (Markdown "#", HTML h1);
  later top-level headings only start articles by the rules above (Word files often use Heading 1 for sections).
Other headings are section headings inside the current article. Lines before the first article start are
the page's lede (kept with the first article) or, when they are a whole text, an article of their own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.clean import DATELINE_MAX_CHARS, supplier_of
from ingest.text.fold import fold
from ingest.units import DATELINE, DOC_NUMBER, ENUMERATION, Role, Unit

# Headings read together as one title group (引题, 主题, 副题).
TITLE_GROUP_MAX = 3
# A byline may come after a short lede: it is looked for this many paragraphs into the article.
LEDE_WINDOW = 2
# A titleless stretch before the first article with at most this many paragraphs is that article's lede.
LEAD_MAX_PARAGRAPHS = 2
# An 引题 above the main title is clearly longer than it; otherwise the first line is the main title.
KICKER_LENGTH_RATIO = 1.3
# Subtitles begin with a dash ("——我市…"), on their own line or after the title.
SUBTITLE_DASH = re.compile(r"^\s*[—-]{1,2}\s*")
INLINE_SUBTITLE = re.compile(r"\s*——\s*")



@dataclass
class Article:
    """One article of a page (or the whole file)."""

    title: str | None
    units: list[Unit] = field(default_factory=list)
    subtitle: str | None = None
    byline: str | None = None
    dateline: str | None = None
    supplier: str | None = None

    @property
    def paragraphs(self) -> list[Unit]:
        return [unit for unit in self.units if unit.role == Role.PARAGRAPH]

    @property
    def captions(self) -> list[str]:
        return [unit.text for unit in self.units if unit.role == Role.CAPTION]


def _next_content(units: list[Unit], start: int) -> int:
    """Index of the first non-caption line at or after `start`."""
    while start < len(units) and units[start].role == Role.CAPTION:
        start += 1
    return start


def leads_to_byline(units: list[Unit], start: int) -> bool:
    """A byline, or a dateline opening the first paragraph, within the first LEDE_WINDOW paragraphs."""
    paragraphs = 0
    index = _next_content(units, start)
    while index < len(units) and paragraphs <= LEDE_WINDOW:
        unit = units[index]
        if unit.role == Role.BYLINE:
            return paragraphs == 0 or not _closes_page(units, index)
        if unit.role != Role.PARAGRAPH:
            return False
        if paragraphs == 0 and DATELINE.match(fold(unit.text[:DATELINE_MAX_CHARS])):
            return True
        paragraphs += 1
        index = _next_content(units, index + 1)
    return False


def _closes_page(units: list[Unit], index: int) -> bool:
    """Nothing but captions and source notes after it: a byline signing off the page's last article."""
    return all(unit.role in (Role.CAPTION, Role.SOURCE) for unit in units[index + 1 :])


def _title_group_end(units: list[Unit], start: int, with_byline: bool) -> int:
    """End of the heading group at `start`: up to three headings before a byline, else the title and its dashes."""
    end = start + 1
    while end < len(units) and end - start < TITLE_GROUP_MAX and units[end].is_heading:
        deeper = units[end].marked and units[start].marked and units[end].level > units[start].level
        if deeper or not (with_byline or SUBTITLE_DASH.match(units[end].text)):
            break
        end += 1
    return end


def _after_article_end(units: list[Unit], index: int) -> bool:
    previous = index - 1
    while previous >= 0 and units[previous].role == Role.CAPTION:
        previous -= 1
    return previous >= 0 and units[previous].role == Role.SOURCE


def article_starts(units: list[Unit]) -> list[tuple[int, int]]:
    """(start, end) of each title group that opens an article."""
    starts = []
    first_top = next((i for i, unit in enumerate(units) if unit.marked and unit.level <= 1), None)
    index = 0
    while index < len(units):
        unit = units[index]
        if unit.is_heading:
            end = _title_group_end(units, index, with_byline=True)
            if leads_to_byline(units, end):
                starts.append((index, end))
                index = end
                continue
            if _after_article_end(units, index) or unit.title or index == first_top:
                end = _title_group_end(units, index, with_byline=False)
                starts.append((index, end))
                index = end
                continue
        index += 1
    return starts


def choose_title(lines: list[str]) -> tuple[str, str | None]:
    """Main title and the rest (引题/副题) from a title group."""
    subtitles = [SUBTITLE_DASH.sub("", line) for line in lines if SUBTITLE_DASH.match(line)]
    subtitles = [line for line in subtitles if line.strip()]
    mains = [line for line in lines if not SUBTITLE_DASH.match(line)] or [subtitles.pop(0) if subtitles else lines[0]]
    if len(mains) == 1:
        title = mains[0]
    elif len(mains) == 2:
        kicker, main = mains
        title = main if len(kicker) >= KICKER_LENGTH_RATIO * len(main) else kicker
    else:
        title = mains[1]
    others = [line for line in mains if line is not title] + subtitles
    inline = INLINE_SUBTITLE.split(title, maxsplit=1)
    if len(inline) == 2 and len(inline[0]) >= 2 and inline[1]:
        title = inline[0]
        others.insert(0, inline[1])
    return title.strip(), " ".join(others) or None


def split_articles(units: list[Unit], page_title: str | None = None) -> list[Article]:
    starts = article_starts(units)
    bounds = [start for start, _ in starts] + [len(units)]
    articles: list[Article] = []
    lead = units[: bounds[0]]
    pending_lead: list[Unit] = []
    ended = any(unit.role == Role.SOURCE for unit in lead)  # an article of its own that closed with a source note
    if starts and not ended and len(Article(None, lead).paragraphs) <= LEAD_MAX_PARAGRAPHS:
        pending_lead = lead
    elif lead:
        articles.append(titled_by_first_heading(lead, page_title))
    for number, (start, end) in enumerate(starts):
        lines = [unit.text for unit in units[start:end]]
        title, subtitle = choose_title(lines)
        marked_main = any(unit.marked and not SUBTITLE_DASH.match(unit.text) for unit in units[start:end])
        if number == 0 and page_title and not articles and title != page_title and not marked_main:
            # The file stated the title (HTML/DOCX/JSONL) and dropped it from the blocks: what stands at the
            # top is its 引题/副题, not another title. (A headline the file marked wins, as in a lead.)
            others = [SUBTITLE_DASH.sub("", line) for line in lines if line != page_title]
            title, subtitle = page_title, " ".join(line for line in others if line.strip()) or None
        body = list(pending_lead) + units[end : bounds[number + 1]] if number == 0 else units[end : bounds[number + 1]]
        articles.append(Article(title=title, subtitle=subtitle, units=body))
    for article in articles:
        take_metadata(article)
    return articles


def titled_by_first_heading(units: list[Unit], page_title: str | None) -> Article:
    """A stretch with no byline or dateline: its opening heading (a notice's title) is its title.

    A heading the file marked at the very top beats a stated page title ("第三版 社区_城市晨报" from <title>),
    unless it is numbered ("一、背景": a section, so the stated title is the document's).
    """
    numbers = 0  # document numbers above the title stay in the body
    while numbers < len(units) and DOC_NUMBER.match(units[numbers].folded):
        numbers += 1
    top = units[numbers] if numbers < len(units) else None
    marked_top = top is not None and top.marked and not ENUMERATION.match(top.text)
    if top is not None and top.is_heading and (page_title is None or marked_top):
        end = _title_group_end(units, numbers, with_byline=False)
        title, subtitle = choose_title([unit.text for unit in units[numbers:end]])
        for unit in units[:numbers]:
            unit.role = Role.PARAGRAPH
        return Article(title=title, subtitle=subtitle, units=units[:numbers] + units[end:])
    return Article(title=page_title, units=list(units))


def take_metadata(article: Article) -> None:
    """Move bylines, source notes and the dateline out of the body into the article's fields."""
    body: list[Unit] = []
    bylines: list[str] = []
    for unit in article.units:
        if unit.role == Role.BYLINE:
            bylines.append(unit.text)
        elif unit.role == Role.SOURCE:
            article.supplier = article.supplier or supplier_of(unit.text)
        else:
            body.append(unit)
    first = next((unit for unit in body if unit.role == Role.PARAGRAPH), None)
    match = DATELINE.match(fold(first.text[:DATELINE_MAX_CHARS])) if first else None
    if match:
        article.dateline = first.text[match.start("dateline") : match.end("dateline")]
        if match.group("byline"):
            bylines.insert(0, first.text[match.start("byline") : match.end("byline")].strip())
        first.text = first.text[match.end() :].strip()
        body = [unit for unit in body if unit.text]
    article.byline = " ".join(bylines) or None
    article.units = body
