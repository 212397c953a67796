"""Dates in Chinese text → ISO 8601, and a document's date with its year inferred only from the same document.

Written forms: 2023年7月27日, 二〇二三年七月二十七日, 2023-07-27, 2023/7/27, 2023.7.27; month-day without a year
(7月27日, in datelines "本报威海7月27日讯"). A year is never guessed: a month-day gets one only from a dated
mention in the same document (the publisher's date, or a full date in the text in the same or a neighbouring
month, all agreeing), and is then marked inferred.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ingest.text.fold import fold

YEAR = r"(?:19|20)\d{2}"
# 2023年7月27日 (spaces OCR may insert are allowed), 2023-07-27, 2023/7/27, 2023.7.27.
FULL_DATE = re.compile(
    rf"(?<!\d)(?P<y>{YEAR})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*[日号]"
    rf"|(?<![\d.])(?P<y2>{YEAR})(?P<sep>[-/.])(?P<m2>\d{{1,2}})(?P=sep)(?P<d2>\d{{1,2}})(?![\d.])"
)
# Dates in Chinese numerals, as regulations and official notices write them: 二〇二三年七月二十七日.
CHINESE_DATE = re.compile(r"(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日")
# 7月27日 with no year before it.
MONTH_DAY = re.compile(r"(?<![\d年])(?<!年\s)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
# A masthead or page header: a date with its weekday ("青河日报 2023年7月27日 星期四"), or a web page's
# publication line.
PAGE_HEADER_DATE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:星期|周)[一二三四五六日天]"
    r"|(?:发布|发表|更新|印发|成文)(?:时间|日期)\s*[:：]"  # web meta lines: "发布时间:2023-07-27 10:20"
)
PAGE_HEADER_MAX_CHARS = 80
# A closing line that is only a date (the signature date of a notice), in figures or Chinese numerals.
SIGNATURE_LINE = re.compile(
    rf"^(?:{YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|[〇零一二三四五六七八九]{{4}}年[一二三四五六七八九十]{{1,2}}月[一二三四五六七八九十]{{1,3}}日)$"
)
SIGNATURE_MAX_CHARS = 20
# A publication stamp: a date with a clock time ("2022-11-21 08:29:14", "2024年3月1日 10:20"), on a short line
# of its own or among 来源/作者/浏览 furniture. Labelled (发布时间:, 来源:) it is a "line", bare a "stamp".
STAMP = re.compile(
    rf"(?<!\d)(?:{YEAR}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|{YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)\s*\d{{1,2}}:\d{{2}}(?::\d{{2}})?"
)
PUBLICATION_LABEL = re.compile(r"(?:发布|发表|更新|印发|成文|上传)?(?:时间|日期)\s*[:：]|来源\s*[:：]")
# An outlet and a date and nothing else: "信阳日报　2022年11月21日", "某某网 2023-05-02".
OUTLET_DATE_LINE = re.compile(
    rf"^[\u4e00-\u9fff]{{2,12}}(?:报|网|台|社|中心|客户端|新闻)\s*(?:{YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日"
    rf"|{YEAR}[-/.]\d{{1,2}}[-/.]\d{{1,2}})\s*$"
)
STAMP_LINE_MAX_CHARS = 80
# The date of a document the text cites, or of an event it schedules: "自2022年3月1日起施行", "…通过".
CITED_DATE_AFTER = re.compile(r"^[^,，。;；]{0,4}?(?:起)?(?:施行|实施|实行|生效|执行|通过|批准|印发|颁布|公布|废止|截止|前)")
# Dates in URL paths: /2021/0331/, /20171003/, /2017-11/15/, /2023/05/12/.
URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})(?:/(?P<m>\d{2})(?P<d>\d{2})|(?P<m2>\d{2})(?P<d2>\d{2})|[-/](?P<m3>\d{1,2})/(?P<d3>\d{1,2}))(?=/)"
)
# Where a document's date came from (Document.date_source), in the order they are trusted.
DATE_SOURCES = ("meta", "stamp", "line", "dateline", "url", "signature", "lede")
# A month at most this far from a full date's month lets that date lend its year.
NEIGHBOUR_MONTHS = 1
CHINESE_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}


@dataclass(frozen=True)
class DateMention:
    year: int | None
    month: int
    day: int
    start: int

    @property
    def iso(self) -> str | None:
        return to_iso(self.year, self.month, self.day) if self.year else None


def to_iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str, folded: bool = False) -> list[DateMention]:
    """Every valid date mention, in text order; month-days without a year have year None.

    The text is folded first (full-width digits read alike; same length, same offsets) unless `folded`.
    """
    text = text if folded else fold(text)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for match in FULL_DATE.finditer(text):
        year, month, day = (match.group("y"), match.group("m"), match.group("d")) if match.group("y") else (
            match.group("y2"), match.group("m2"), match.group("d2"))
        if to_iso(int(year), int(month), int(day)):
            found.append(DateMention(int(year), int(month), int(day), match.start()))
            taken.append(match.span())
    for match in CHINESE_DATE.finditer(text):
        import cn2an  # here, not at the top: its import compiles ~0.1 s CPU of patterns, and `redprop search`
        # reaches this module (through the index schema) without ever reading a date
        year = int("".join(CHINESE_DIGITS[c] for c in match.group("y")))
        month, day = int(cn2an.cn2an(match.group("m"), "smart")), int(cn2an.cn2an(match.group("d"), "smart"))
        if to_iso(year, month, day):
            found.append(DateMention(year, month, day, match.start()))
            taken.append(match.span())
    for match in MONTH_DAY.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        month, day = int(match.group("m")), int(match.group("d"))
        if to_iso(2000, month, day):  # a leap year, so 2月29日 stays possible
            found.append(DateMention(None, month, day, match.start()))
    return sorted(found, key=lambda mention: mention.start)


def normalize_date(value: str | None) -> str | None:
    """A stated date (HTML meta, JSONL field, "2023年7月27日") → ISO, or None when it holds no full date."""
    if not value:
        return None
    for mention in find_dates(value):
        if mention.iso:
            return mention.iso
    return None


def page_date(lines: list[str]) -> str | None:
    """The issue date a page header states, if any: the publisher's date for every article on the page."""
    return page_date_with_source(lines)[0]


def page_date_with_source(lines: list[str]) -> tuple[str | None, str | None]:
    """(date, source) of the first publication line: a masthead or 发布时间/来源 line ("line"), a bare
    timestamp ("stamp"), an outlet-and-date line ("dateline"); (None, None) when the page shows none."""
    for line in lines:
        if len(line) > STAMP_LINE_MAX_CHARS or not any(ch.isdigit() for ch in line):
            continue
        folded = fold(line).strip()
        labelled = len(line) <= PAGE_HEADER_MAX_CHARS and PAGE_HEADER_DATE.search(folded)
        stamp = STAMP.search(folded)
        if stamp and not labelled:
            labelled = PUBLICATION_LABEL.search(folded[: stamp.start()])
        if labelled or stamp:
            found = normalize_date(stamp.group(0) if stamp else folded)
            if found:
                return found, "line" if labelled else "stamp"
        if OUTLET_DATE_LINE.match(folded):
            found = normalize_date(folded)
            if found:
                return found, "dateline"
    return None, None


def url_date(url: str | None) -> str | None:
    """The date a URL path holds (/2021/0331/, /20171003/), when it is a real day."""
    match = URL_DATE.search(url or "")
    if not match:
        return None
    month = match.group("m") or match.group("m2") or match.group("m3")
    day = match.group("d") or match.group("d2") or match.group("d3")
    return to_iso(int(match.group("y")), int(month), int(day))


def is_cited_date(text: str, end: int) -> bool:
    """The date ending at `end` is when a cited document takes effect or was adopted, or a deadline."""
    return bool(CITED_DATE_AFTER.match(text[end:]))


def signature_date(last_lines: list[str]) -> str | None:
    """The date an official text is signed with: a closing line that is nothing but a full date."""
    for line in reversed(last_lines):
        line = line.strip()
        if len(line) <= SIGNATURE_MAX_CHARS and SIGNATURE_LINE.match(fold(line)):
            return normalize_date(line)
    return None


def _cited(text: str, mention: DateMention) -> bool:
    folded = fold(text)
    match = re.compile(r"[^,，。;；]{0,14}?日").match(folded, mention.start)
    return bool(match) and is_cited_date(folded, match.end())


def infer_year(month: int, evidence: list[DateMention]) -> int | None:
    """The year of the full dates near this month, when they all agree; otherwise unknown."""
    years = {
        m.year for m in evidence
        if m.year and min(abs(m.month - month), 12 - abs(m.month - month)) <= NEIGHBOUR_MONTHS
    }
    return years.pop() if len(years) == 1 else None


def document_date(
    stated: str | None, dateline: str | None, lede: str, text: str, folded: bool = False
) -> tuple[str | None, bool]:
    """(ISO date, inferred?) for a news article; see `dated_with_source`."""
    date, inferred, _ = dated_with_source(stated, "meta", dateline, lede, text, folded=folded)
    return date, inferred


def dated_with_source(
    stated: str | None, stated_source: str | None, dateline: str | None, lede: str, text: str,
    url: str | None = None, folded: bool = False,
) -> tuple[str | None, bool, str | None]:
    """(ISO date, inferred?, source) for a news article.

    Order: the dateline's date ("dateline"), the publisher's stated date (`stated_source`: meta, stamp, line),
    the URL path ("url"), the first date in the lede paragraph that is not a cited document's date ("lede").
    A date lacking its year takes it from the stated date or the text's full dates (inferred=True), or stays
    unknown. `folded`: `text` is already folded.
    """
    # The text's dates only lend a year to a month-day: read when one needs it, or up front (as before) when
    # the text writes dates in Chinese numerals, whose reading can fail (cn2an refuses "十十月").
    text_dates = find_dates(text, folded) if CHINESE_DATE.search(text if folded else fold(text)) else None
    stated_iso = normalize_date(stated)
    for candidate, source in ((dateline, "dateline"), (None, stated_source), (None, "url"), (lede, "lede")):
        if candidate is None:
            if source == "url" and url_date(url):
                return url_date(url), False, "url"
            if source != "url" and stated_iso:
                return stated_iso, False, stated_source or "meta"
            continue
        mentions = find_dates(candidate)
        if source == "lede":
            mentions = [m for m in mentions if not _cited(candidate, m)]
        if not mentions:
            continue
        first = mentions[0]
        if first.iso:
            return first.iso, False, source
        if text_dates is None:
            text_dates = find_dates(text, folded)
        year = infer_year(first.month, text_dates + _stated_mention(stated_iso))
        if year and to_iso(year, first.month, first.day):
            return to_iso(year, first.month, first.day), True, source
    return None, False, None


def _stated_mention(stated_iso: str | None) -> list[DateMention]:
    """The publisher's stated date as a mention a month-day may take its year from (none when not stated)."""
    if not stated_iso:
        return []
    year, month, day = (int(part) for part in stated_iso.split("-"))
    return [DateMention(year, month, day, -1)]
