"""GB/T 7714-2015 references for a regulation's clause: `责任者. 题名[Z]. 日期: 第X条.`

The issuing body is named when the metadata gives it (place + 人民代表大会常务委员会 / 人民政府), the date is
the version's; the 条 label stands where a book reference puts the cited page.
"""
from __future__ import annotations

from index.compare.regulations import RegulationRow

BODIES = {"人大常委会": "人民代表大会常务委员会", "人民政府": "人民政府"}


def issuing_body(regulation: RegulationRow) -> str | None:
    if regulation.level == "national" and regulation.issuer == "人民政府":
        return "国务院"
    if regulation.place and regulation.issuer in BODIES:
        return regulation.place + BODIES[regulation.issuer]
    return None


def regulation_citation(regulation: RegulationRow, clause: str | None = None) -> str:
    parts = [body] if (body := issuing_body(regulation)) else []
    parts.append(f"{regulation.title.strip()}[Z]")
    when = regulation.version_date or ""
    if when or clause:
        parts.append(": ".join(piece for piece in (when, clause) if piece))
    return ". ".join(parts) + "."
