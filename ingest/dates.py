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

import cn2an

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
    for line in lines:
        if len(line) > PAGE_HEADER_MAX_CHARS or not any(ch.isdigit() for ch in line):
            continue
        if PAGE_HEADER_DATE.search(fold(line)):
            found = normalize_date(line)
            if found:
                return found
    return None


def signature_date(last_lines: list[str]) -> str | None:
    """The date an official text is signed with: a closing line that is nothing but a full date."""
    for line in reversed(last_lines):
        line = line.strip()
        if len(line) <= SIGNATURE_MAX_CHARS and SIGNATURE_LINE.match(fold(line)):
            return normalize_date(line)
    return None


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
    """(ISO date, inferred?) for a news article.

    Order: the dateline's date, the publisher's stated date, the first date in the lede paragraph. A date
    lacking its year takes it from the stated date or the text's full dates (inferred=True), or stays unknown.
    `folded`: `text` is already folded.
    """
    evidence = find_dates(text, folded)
    stated_iso = normalize_date(stated)
    if stated_iso:
        year, month, day = (int(part) for part in stated_iso.split("-"))
        evidence.append(DateMention(year, month, day, -1))
    for candidate in (dateline, None, lede):
        if candidate is None:
            if stated_iso:
                return stated_iso, False
            continue
        mentions = find_dates(candidate)
        if not mentions:
            continue
        first = mentions[0]
        if first.iso:
            return first.iso, False
        year = infer_year(first.month, evidence)
        if year and to_iso(year, first.month, first.day):
            return to_iso(year, first.month, first.day), True
    return None, False
