"""The labels Word generates for numbered paragraphs ("第%1条" → "第十二条", "%1." → "3."), which python-docx's
`paragraph.text` leaves out: a regulation whose 条 are numbered by Word would otherwise lose its labels.

Counters follow Word's rules closely enough for documents: one counter set per list instance (numId),
a level's counter restarts when a shallower level advances unless its `lvlRestart` says otherwise (regulations
number 条 straight through their 章), `start` and `startOverride` are honoured.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

import cn2an
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

# Word's numFmt values that Chinese documents use, mapped to how a number is written.
CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "ideographTraditional", "taiwaneseCounting",
                   "taiwaneseCountingThousand"}
CHINESE_LEGAL_FORMATS = {"chineseLegalSimplified", "ideographLegalTraditional"}
CIRCLED_FORMATS = {"decimalEnclosedCircle", "decimalEnclosedCircleChinese"}
SILENT_FORMATS = {"bullet", "none"}
LEVEL_PLACEHOLDER = re.compile(r"%([1-9])")
NEVER = 0  # lvlRestart value: the level never restarts


@dataclass(frozen=True)
class Level:
    fmt: str  # Word's numFmt
    text: str  # lvlText, e.g. "第%2条"
    start: int
    restart: int | None  # restart after this (1-based) level is used; None: after any shallower level


class Numbering:
    """Reads a document's numbering definitions once; `label(paragraph)` is called in document order."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, Level]] = {}  # numId → ilvl → definition
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # a document without any numbered paragraph
            return
        abstract = {node.get(qn("w:abstractNumId")): _levels(node) for node in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")), {})) if ref is not None else {}
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                level = int(override.get(qn("w:ilvl"), "0"))
                if start is not None and level in levels:
                    levels[level] = replace(levels[level], start=int(start.get(qn("w:val"), "1")))
            self.levels[num.get(qn("w:numId"))] = levels

    def label(self, paragraph: Paragraph) -> str | None:
        found = _num_pr(paragraph)
        if found is None:
            return None
        num_id, level = found
        levels = self.levels.get(num_id, {})
        if level not in levels:
            return None
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [key for key in counters if key > level and key in levels]:
            restart = levels[deeper].restart
            if restart is None or (restart != NEVER and level + 1 <= restart):
                del counters[deeper]
        this = levels[level]
        if this.fmt in SILENT_FORMATS:
            return None

        def number(match: re.Match) -> str:
            shown = int(match.group(1)) - 1
            definition = levels.get(shown, this)
            return _format(counters.get(shown, definition.start), definition.fmt)

        return LEVEL_PLACEHOLDER.sub(number, this.text).strip() or None


def _levels(abstract_num) -> dict[int, Level]:
    def value(lvl, name: str) -> str | None:
        node = lvl.find(qn(name))
        return node.get(qn("w:val")) if node is not None else None

    levels = {}
    for lvl in abstract_num.findall(qn("w:lvl")):
        restart = value(lvl, "w:lvlRestart")
        levels[int(lvl.get(qn("w:ilvl"), "0"))] = Level(
            fmt=value(lvl, "w:numFmt") or "decimal", text=value(lvl, "w:lvlText") or "",
            start=int(value(lvl, "w:start") or 1), restart=int(restart) if restart is not None else None,
        )
    return levels


def _num_pr(paragraph: Paragraph) -> tuple[str, int] | None:
    """(numId, level) set on the paragraph, or inherited from its style chain."""
    candidates = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        candidates.append(style.element.pPr)
        style = style.base_style
    for properties in candidates:
        num_pr = properties.find(qn("w:numPr")) if properties is not None else None
        if num_pr is None:
            continue
        num_id = num_pr.find(qn("w:numId"))
        level = num_pr.find(qn("w:ilvl"))
        if num_id is None or num_id.get(qn("w:val")) == "0":  # numId 0 switches numbering off
            return None
        return num_id.get(qn("w:val")), int(level.get(qn("w:val"), "0")) if level is not None else 0
    return None


def _format(value: int, fmt: str) -> str:
    if fmt in CHINESE_FORMATS:
        return cn2an.an2cn(value)
    if fmt in CHINESE_LEGAL_FORMATS:
        return cn2an.an2cn(value, "up")
    if fmt in CIRCLED_FORMATS and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    return str(value)


def _roman(value: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    result = ""
    for amount, numeral in numerals:
        while value >= amount:
            result += numeral
            value -= amount
    return result
