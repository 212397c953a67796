"""People with their roles, and what they said (quotes with speaker and role).

A person is a role title followed by a name ("培新街社区党委书记周培华"); the name starts with a surname from
`data/surnames.txt` and ends where a speech verb or punctuation follows. Quotes take three shapes: a quotation
followed by its speaker ("…。”老城街道鼓楼社区党委书记马英说"), a speaker followed by a quotation ("周培华说:“…”"),
and reported speech ("陈勇说,经过几年的探索…"). Paragraphs after a line that is only a speaker ("…物业经理刚博:")
are that speaker's words; `build` handles those across passages.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.cases.places import COMMON_WORD_FREQ, word_freq

DATA = Path(__file__).parent / "data"
ROLE_WORDS = (
    "副书记", "书记", "副主任", "主任", "副局长", "局长", "副处长", "处长", "副厅长", "厅长", "副市长", "市长", "区长", "县长",
    "镇长", "总经理", "经理", "教授", "副会长", "会长", "副主席", "主席", "总编", "社长", "调研员", "负责人", "队长",
    "所长", "部长", "理事长", "秘书长", "站长", "楼栋长", "楼长", "网格员", "志愿者", "居民", "业主", "党员", "专家",
    "院长", "校长", "董事长", "导师", "员", "人",
)
SPEECH = r"(?:说道|说|表示|介绍|指出|认为|称|告诉记者|感叹道|感叹|坦言|强调|建议|提到|谈到)"
# What may follow a name: speech, punctuation, or a word that shows the name has ended.
AFTER_NAME = rf"(?:{SPEECH}|[,，:：、。(（ ]|同志|口中|一行|对|在|为|也|则|等|作|带|和|与|$)"
FAMILIAR = r"(?:阿姨|大爷|大妈|师傅|女士|先生)"
# Words before a role that are not part of it ("据柳影街道党办主任…", "家住长兴县…").
ROLE_LEAD = re.compile(r"^(?:据|家住|由|经|在|是|为|会上|其中|同时|记者|通讯员|他|她)+")
# Words a "name" cannot end with: measures such as 满意率, 覆盖度 follow 业主/居民 too.
NOT_NAME_ENDINGS = ("率", "度", "量", "数", "们", "户")
OPEN_QUOTE, CLOSE_QUOTE = "“", "”"
QUOTE_MARK = re.compile(f"[{OPEN_QUOTE}{CLOSE_QUOTE}]")
MAX_ROLE_CHARS = 24
MIN_QUOTE_CHARS = 8
MAX_SPEAKER_LINE_CHARS = 60


@lru_cache(maxsize=1)
def surnames() -> tuple[str, ...]:
    words = (DATA / "surnames.txt").read_text(encoding="utf-8")
    names = {w for line in words.splitlines() if not line.startswith("#") for w in line.split()}
    return tuple(sorted(names, key=len, reverse=True))


# A role-and-name pattern opens with up to MAX_ROLE_CHARS characters of the role's own name (lazily), so a plain
# search tries that many prefixes, each against every role word, at every character of a passage: most of what
# finding people cost. Each pattern therefore comes with its "anchor": the same pattern from the role word on
# (role word, name, what follows), which can only hold where a match's role word starts. The full pattern is
# tried only up to MAX_ROLE_CHARS before an anchor, which finds exactly the matches a search would.
@lru_cache(maxsize=1)
def person_pattern() -> tuple[re.Pattern, re.Pattern]:
    """(pattern, anchor): a role, then a name starting with a listed surname."""
    roles = "|".join(sorted(ROLE_WORDS, key=len, reverse=True))
    surname = "|".join(surnames())
    tail = rf"(?:{surname})(?:{FAMILIAR}|[\u4e00-\u9fff]{{1,2}}?))(?={AFTER_NAME})"
    return (re.compile(rf"(?P<role>[\u4e00-\u9fff、()()·]{{0,{MAX_ROLE_CHARS}}}?(?:{roles}))(?P<name>{tail}"),
            _anchor(ROLE_WORDS, tail))


@lru_cache(maxsize=1)
def unlisted_pattern() -> tuple[re.Pattern, re.Pattern]:
    """(pattern, anchor): a role then a two- or three-character name whose surname is not on the list, right before
    speech or ":"."""
    roles = "|".join(sorted(ROLE_WORDS[:-2], key=len, reverse=True))
    tail = rf"[\u4e00-\u9fff]{{2,3}}?)(?={SPEECH}|[::]$)"
    return (re.compile(rf"(?P<role>[\u4e00-\u9fff、()()·]{{0,{MAX_ROLE_CHARS}}}?(?:{roles}))(?P<name>{tail}"),
            _anchor(ROLE_WORDS[:-2], tail))


def _anchor(role_words: tuple[str, ...], tail: str) -> re.Pattern:
    """A role word, then `tail`, at each place it holds (a look-ahead: the role's own name may overlap the next). It
    first checks the one character there against the role words' first characters, so the role words are tried
    only where one can start (trying each role word at every character was half of the anchors' cost)."""
    roles = "|".join(sorted(role_words, key=len, reverse=True))
    starts = re.escape("".join(sorted({word[0] for word in role_words})))
    return re.compile(rf"(?=[{starts}])(?=(?:{roles})({tail})")


def anchored_matches(pattern: re.Pattern, anchor: re.Pattern, text: str) -> Iterator[re.Match]:
    """What `pattern.finditer(text)` finds, trying `pattern` only at the starts an `anchor` match allows: each
    start once, left to right (anchors come in order, so each one's window begins past the one before), none
    inside a match already found."""
    end = untried = 0
    for found in anchor.finditer(text):
        for start in range(max(untried, end, found.start() - MAX_ROLE_CHARS), found.start() + 1):
            if start >= end and (match := pattern.match(text, start)):
                yield match
                end = match.end()
        untried = found.start() + 1


@lru_cache(maxsize=256)  # a passage is read for people several times (mentions, quotes, roles known elsewhere)
def _role_name_matches(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """(role, name, start, end) of every role + name mention, before the checks find_people applies."""
    return tuple((match.group("role"), match.group("name"), match.start("role"), match.end("name"))
                 for patterns in (person_pattern(), unlisted_pattern())
                 for match in anchored_matches(*patterns, text))


@dataclass
class Person:
    name: str
    role: str
    passage_id: str
    start: int
    end: int


@dataclass
class Quote:
    speaker: str
    role: str
    text: str
    passage_id: str


def find_people(text: str, passage_id: str, known: dict[str, str] | None = None) -> list[Person]:
    """Role + name mentions; `known` names (met with a role elsewhere in the document) count without one."""
    people: list[Person] = []
    for role, name, start, end in _role_name_matches(text):
        role = ROLE_LEAD.sub("", role).strip("、")
        if ")" in role.split("(")[0] or ")" in role.split("(")[0]:
            role = re.split(r"[))]", role, maxsplit=1)[1]  # "…日报社)社委委员": cut before an unopened bracket
        if len(role) < 2 or word_freq(name) >= COMMON_WORD_FREQ or name.endswith(NOT_NAME_ENDINGS) or any(
            p.end == end for p in people
        ):
            continue
        people.append(Person(name, role, passage_id, start, end))
    for name, role in (known or {}).items():
        start = text.find(name) if name else -1
        while start >= 0:  # each mention of the name, left to right, none overlapping
            if not any(p.start <= start < p.end for p in people):
                people.append(Person(name, role, passage_id, start, start + len(name)))
            start = text.find(name, start + len(name))
    return sorted(people, key=lambda p: p.start)


def speaker_line(text: str) -> tuple[Person, str] | None:
    """A paragraph that opens with a speaker and a colon ("长兴县…居委会主任周锋:我们社区…"), alone or followed by
    the speaker's words: the speaker and those words (empty when the line only names the speaker)."""
    stripped = text.strip()
    colon = min((i for i in (stripped.find(":"), stripped.find("：")) if i >= 0), default=-1)
    if colon < 2 or colon > MAX_SPEAKER_LINE_CHARS or OPEN_QUOTE in stripped[:colon]:
        return None
    people = find_people(stripped[: colon + 1], "")
    if not people or people[-1].end != colon or people[0].start > 0:
        return None
    return people[-1], stripped[colon + 1 :].strip()


def find_quotes(text: str, passage_id: str, known: dict[str, str] | None = None) -> list[Quote]:
    people = find_people(text, passage_id, known)
    quotes: list[Quote] = []
    for start, end in _quotations(text):
        inner = text[start + 1 : end].strip()
        if len(inner) < MIN_QUOTE_CHARS:
            continue
        speaker = _speaker_after(text, end, people) or _speaker_before(text, start, people)
        if speaker is not None:
            quotes.append(Quote(speaker.name, speaker.role, inner, passage_id))
    for person in people:  # reported speech: "陈勇说,经过几年的探索…。"
        match = re.match(rf"{SPEECH}[,，]", text[person.end :])
        if not match or text[person.end + match.end() : person.end + match.end() + 1] == OPEN_QUOTE:
            continue
        said = _to_sentence_end(text, person.end + match.end())
        if len(said) >= MIN_QUOTE_CHARS and not any(q.speaker == person.name and said in q.text for q in quotes):
            quotes.append(Quote(person.name, person.role, said, passage_id))
    return quotes


def _to_sentence_end(text: str, start: int) -> str:
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        depth += char == OPEN_QUOTE
        depth -= char == CLOSE_QUOTE and depth > 0
        if char in "。!?" and depth == 0:
            return text[start : index + 1].strip()
    return text[start:].strip()


def _quotations(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of top-level “…” spans; an unclosed quotation runs to the passage end."""
    spans, depth, start = [], 0, -1
    if OPEN_QUOTE not in text:
        return spans  # most passages quote no one
    for mark in QUOTE_MARK.finditer(text):  # only the marks, not every character
        index, char = mark.start(), mark.group()
        if char == OPEN_QUOTE:
            if depth == 0:
                start = index
            depth += 1
        elif char == CLOSE_QUOTE and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, index))
    if depth and start >= 0:
        spans.append((start, len(text)))
    return spans


def _speaker_after(text: str, end: int, people: list[Person]) -> Person | None:
    for person in people:
        gap = text[end + 1 : person.start]
        if (person.start > end and len(gap) <= 3 and re.fullmatch(r"[,，。!！?？\s据]*", gap)
                and re.match(rf"{SPEECH}|[,，]?[^“]{{0,6}}{SPEECH}", text[person.end :])):
            return person
    return None


def _speaker_before(text: str, start: int, people: list[Person]) -> Person | None:
    for person in reversed(people):
        between = text[person.end : start]
        if person.end <= start and re.fullmatch(rf"[^“”。]{{0,12}}?{SPEECH}?[道]?[,，:：]?\s*", between) and (
            re.search(SPEECH, between) or between.strip().endswith((":", "："))
        ):
            return person
    return None


def resolve_roles(people: list[Person]) -> dict[str, str]:
    """Each name's most informative role in the document (the longest title it is given)."""
    roles: dict[str, str] = {}
    for person in people:
        if len(person.role) > len(roles.get(person.name, "")):
            roles[person.name] = person.role
    return roles
