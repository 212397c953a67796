"""Regulations (条例, 办法, 规定…): 第X章/第X节/第X条 structure, adoption history, one passage per 条.

Each 条 is a passage whose `clause` is its label ("第十二条") and whose `chapter` is its chapter line
("第三章 业主大会和业主委员会"); a 节 becomes the passage heading. The 款 and 项 that follow a 条 on their own
lines stay inside that 条's text. The lines before the first 章/条 — title, adoption and revision history,
table of contents — are read for the title and date; the history is kept as the first passage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.dates import find_dates
from ingest.text.fold import fold
from ingest.units import CJK, DOC_NUMBER, Unit, heading_shaped

NUMBER = r"[一二三四五六七八九十百千零〇两\d]+"
CHAPTER = re.compile(rf"^(?P<label>第{NUMBER}[编章])[\s\u3000]*(?P<title>[^。;；]{{0,40}})$")
SECTION = re.compile(rf"^(?P<label>第{NUMBER}节)[\s\u3000]*(?P<title>[^。;；]{{0,40}})$")
CLAUSE = re.compile(rf"^(?P<label>第{NUMBER}条(?:之{NUMBER})?)(?:[\s\u3000]+|(?=[{CJK}(（“])|$)(?P<body>.*)$", re.DOTALL)
LABEL_MAX_CHARS = 16  # "第一百二十三条之一 " fits
# A regulation has at least this many 条 lines; news pages quoting "第X条" once or twice do not qualify.
MIN_CLAUSES = 3
# Adoption/revision history: dated lines that say what a body did ("…通过", "…修正", "…公布", "…施行").
HISTORY_VERB = re.compile(r"通过|修正|修订|修改|批准|公布|发布|施行|废止|印发")
HISTORY_MAX_CHARS = 400
# A clause that defines conditions lists them as 项 （一）（二）… after a colon and names them in the sentence
# before it: "业主委员会成员应当符合下列条件：", "有下列情形之一的，应当组建物业管理委员会：". That sentence is the
# clause's caption (Chinese regulations give 条 no titles). The nouns are the drafting formulas for a condition
# (条件, 情形, 情况, 资格, 标准, 要求 after 下列/以下); lists of duties, documents or acts are not definitions of a
# condition, and measured on the dev questions their leads only added noise.
DEFINING_LIST = re.compile(r"(?:下列|以下)(?:条件|情形|情况|资格|标准|要求)[^。；;：:\n]*(?=[：:]\s*[（(][一1][）)])")
SENTENCE_BREAKS = "。；;：:\n"
# Spaces inside short chapter titles are typesetting ("总  则" → "总则").
SPACED_TITLE = re.compile(rf"(?<=[{CJK}])[\s\u3000]+(?=[{CJK}])")


@dataclass
class Clause:
    label: str
    chapter: str | None
    section: str | None
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Regulation:
    title: str | None
    history: list[str]
    clauses: list[Clause]
    date: str | None
    front: list[str] = field(default_factory=list)  # other lines outside any 条 (preamble, 目录)


def looks_like_policy(units: list[Unit]) -> bool:
    return sum(1 for unit in units if CLAUSE.match(fold(unit.text[:LABEL_MAX_CHARS]))) >= MIN_CLAUSES


def _division(text: str, match: re.Match) -> str:
    """"第一章  总  则" → "第一章 总则", in the text's own script."""
    label = text[match.start("label") : match.end("label")]
    title = SPACED_TITLE.sub("", text[match.start("title") : match.end("title")].strip())
    return f"{label} {title}" if title else label


def defining_lead(text: str) -> str | None:
    """The sentence that introduces the conditions a clause lists, without the clause label; None when it lists
    none. A clause with several lists has several leads, joined by a space. Expects folded text."""
    leads = []
    for match in DEFINING_LIST.finditer(text):
        start = max(text.rfind(mark, 0, match.start()) for mark in SENTENCE_BREAKS) + 1
        lead = CLAUSE.sub(r"\g<body>", text[start:match.end()].strip()).strip()
        if lead:
            leads.append(lead)
    return " ".join(leads) or None


def is_history(text: str) -> bool:
    return len(text) <= HISTORY_MAX_CHARS and bool(HISTORY_VERB.search(text)) and any(
        mention.year for mention in find_dates(text)
    )


def history_date(history: list[str]) -> str | None:
    """The latest dated act in the history: the date of the text in force."""
    dates = [mention.iso for line in history for mention in find_dates(line) if mention.iso]
    return max(dates) if dates else None


def read_regulation(units: list[Unit], stated_title: str | None) -> Regulation:
    title = stated_title
    history: list[str] = []
    front: list[str] = []
    clauses: list[Clause] = []
    chapter = section = None
    untitled = None  # "chapter" / "section" whose label stood alone: its title may be the next line
    seen_structure = False
    for unit in units:
        text = unit.text.strip()
        folded = fold(text)
        chapter_match, section_match, clause_match = CHAPTER.match(folded), SECTION.match(folded), CLAUSE.match(folded)
        titled_line = untitled and not (chapter_match or section_match or clause_match) and heading_shaped(text)
        if titled_line and untitled == "chapter":
            chapter = f"{chapter} {SPACED_TITLE.sub('', text)}"
        elif titled_line:
            section = f"{section} {SPACED_TITLE.sub('', text)}"
        elif chapter_match:
            chapter, section, seen_structure = _division(text, chapter_match), None, True
        elif section_match:
            section, seen_structure = _division(text, section_match), True
        elif clause_match:
            seen_structure = True
            clauses.append(Clause(clause_match["label"], chapter, section, [text]))
        elif clauses and len(clauses[-1].lines) == 1 and fold(clauses[-1].lines[0]) == clauses[-1].label:
            clauses[-1].lines[0] += " " + text  # the label stood on a line of its own
        elif clauses:
            clauses[-1].lines.append(text)
        elif seen_structure:
            front.append(text)
        elif title is None and not DOC_NUMBER.match(folded) and (unit.marked or heading_shaped(text)):
            title = text
        elif is_history(text.strip("()\uff08\uff09 ")):
            history.append(text)
        elif text != title:
            front.append(text)
        untitled = None if titled_line else ("chapter" if chapter_match and not chapter_match["title"].strip()
                                             else "section" if section_match and not section_match["title"].strip()
                                             else None)
    return Regulation(title, history, clauses, history_date(history), front)
