"""Lines between parsing and article building: a block's text plus the role cleaning gave it.

Roles are decided once (clean.py) so article splitting and passage building only read them; text-shape
tests shared by both (does this end a sentence? could it be a heading?) live here too. Patterns are matched
against the folded text (fold.py: half-width, Simplified, same length), so Traditional or full-width pages
are read by the same rules, while the original text is what is kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from ingest.text.fold import fold

# Characters that end a sentence; a block ending in one is complete.
SENTENCE_END = "。!?！？;；…"
# Closing marks that may follow a sentence end ("……。”").
CLOSERS = "”’」』)）》"
# A heading or title is a short line; longer lines without end punctuation are broken paragraphs.
HEADING_MAX_CHARS = 40
# Punctuation a new sentence or heading never starts with: a block starting so continues the previous one.
# (No particles: 的确, 地下, 得益于, 了解, 着力, 过去 all open sentences.)
NON_INITIAL = ",，、。.;；:：!！?？)）》」』"
# Characters a heading never ends with: a block ending so continues into the next one.
CONTINUING_END = ",，、:：(（《「『—-"
CJK = r"\u3400-\u9fff"
# Enumeration labels of notices and lists: 一、 (一) 1. ① — they start structure, never continue a sentence.
ENUMERATION = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|[①-⑳])")
# An official document number ("京政发〔2023〕12号"): it stands above a notice's title but is not the title.
DOC_NUMBER = re.compile(r"^\s*[\u3400-\u9fff]{1,10}\s*[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d+\s*号\s*$")
# Structural labels of regulations.
POLICY_LABEL = re.compile(r"^\s*第[一二三四五六七八九十百千零〇两\d]+[章节条编]")

# Datelines: "本报威海7月27日讯", "新华社北京3月5日电", "本报讯(记者 张三)", "【青河日报讯】"; an outlet not in the
# list needs a date, or a newspaper/website name directly before 讯. Matched on folded text.
KNOWN_AGENCIES = "本报|本刊|新华社|中新社|中新网|新华网|人民网|央视网|央广网"
DATE_PART = r"(?:\d{4}年)?\d{1,2}月\d{1,2}日"
DATELINE = re.compile(
    rf"^[\[【]?(?P<dateline>(?:(?:{KNOWN_AGENCIES})(?P<place>[{CJK}]{{0,8}}?)(?P<date>{DATE_PART})?"
    rf"|[{CJK}]{{2,8}}?(?:网|社|报|台)[{CJK}]{{0,8}}?(?P<date2>{DATE_PART}))(?:讯|电)"
    rf"|[{CJK}]{{2,8}}?(?:日报|晚报|早报|时报|商报|报|网)讯(?=[\s(（:：\]】]))[\]】]?"
    rf"\s*(?:[(（](?P<byline>[^()（）]{{2,40}})[)）])?[\s:：]*"
)


class Role(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CAPTION = "caption"
    BYLINE = "byline"
    SOURCE = "source"  # "(市物协 供稿)", "(本版图片由…提供)": ends an article
    FURNITURE = "furniture"  # timestamps, 来源/编辑 lines, navigation, app blurbs: kept searchable, not body


@dataclass
class Unit:
    text: str
    role: Role = Role.PARAGRAPH
    level: int = 0  # heading level the file format stated (Markdown #, HTML h2, DOCX Heading 2); 0 = none
    marked: bool = False  # the format itself marked this as a heading/title
    title: bool = False  # the format marked it as the document's title (HTML h1 article title, DOCX Title)

    @property
    def folded(self) -> str:
        """Half-width, Simplified, same length as `text`: patterns match 記者/記者/（ ）, offsets stay valid."""
        return fold(self.text)

    @property
    def is_heading(self) -> bool:
        return self.role == Role.HEADING


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def heading_shaped(text: str) -> bool:
    """Short, one phrase, no sentence punctuation at the end or inside: how headings and titles look."""
    text = text.strip()
    if not text or len(text) > HEADING_MAX_CHARS:
        return False
    if text[-1] in SENTENCE_END + CONTINUING_END or text[0] in NON_INITIAL:
        return False
    # Headlines keep ！？ inside ("停车难怎么破？红色物业给出答案"); 。； inside make it sentences.
    return not any(mark in text for mark in "。;；")


@lru_cache(maxsize=1)
def _segmenter():
    from ingest.text.segmenter import segmenter

    return segmenter()


def splits_word(left: str, right: str) -> bool:
    """True when the seam between `left` and `right` cuts a word: 择|优选 → 择优; 物业经|理 → 经理.

    The left side must end in a one-character fragment (dictionary words only, no guessing of unknown words),
    so complete words that happen to form a compound with what follows (服务|中心) do not count.
    """
    left_tail, right_head = left.rstrip()[-6:], right.lstrip()[:6]
    if not left_tail or not right_head:
        return False
    if not re.match(f"[{CJK}]", left_tail[-1]) or not re.match(f"[{CJK}]", right_head[0]):
        return False
    alone = list(_segmenter().cut(left_tail, HMM=False))
    if len(alone[-1]) != 1:
        return False
    seam = len(left_tail)
    position = 0
    for word in _segmenter().cut(left_tail + right_head, HMM=False):
        if position < seam < position + len(word):
            return True
        position += len(word)
    return False
