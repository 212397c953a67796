"""Case packs for a training session: one card per case, Markdown or DOCX, each with its source citation.

Citations follow GB/T 7714-2015 for newspaper articles, `作者. 题名[N]. 报纸名, 日期(版次).`, with every part the
record does not know left out rather than invented.
"""
from __future__ import annotations

import io
import re

from docx import Document as DocxDocument
from docx.shared import Pt

# Byline roles: writers are authors of the article; photographers and editors are not ("文/宁杰 摄/陆一平").
WRITER_ROLES = ("本报记者", "记者", "通讯员", "实习生", "特约撰稿", "文/", "文", "作者", "本报")
NON_AUTHOR_ROLES = ("摄影", "摄/", "摄", "图/", "编辑", "组版", "校对", "制图")
TRAILING_PHOTO_CREDIT = ("摄",)
BYLINE_ROLE = re.compile("(" + "|".join(sorted(WRITER_ROLES + NON_AUTHOR_ROLES, key=len, reverse=True)) + ")")
MAX_AUTHORS = 3
PACK_TITLE = "红色物业典型案例汇编"


def authors(byline: str | None) -> list[str]:
    """Writers named in a byline, photographers and editors left out."""
    if not byline:
        return []
    names: list[str] = []
    latest: list[str] = []
    writing = True
    for part in BYLINE_ROLE.split(byline):
        if part in TRAILING_PHOTO_CREDIT:  # "记者 戴伟 摄": the names before it took the photo
            names = [name for name in names if name not in latest]
            writing = False
        elif part in NON_AUTHOR_ROLES:
            writing = False
        elif part in WRITER_ROLES:
            writing = True
        elif writing:
            latest = [name for name in re.split(r"[\s,，、/:：|]+", part) if 2 <= len(name) <= 4]
            names += latest
    return list(dict.fromkeys(names))


def citation(case: dict) -> str:
    """GB/T 7714-2015 newspaper reference of the case's source article."""
    names = authors(case.get("byline"))
    parts = []
    if names:
        shown = ", ".join(names[:MAX_AUTHORS]) + (", 等" if len(names) > MAX_AUTHORS else "")
        parts.append(f"{shown}. ")
    parts.append(f"{case.get('title_of_source') or case.get('title')}[N].")
    where = case.get("publisher") or ""
    date = case.get("date") or ""
    page = case.get("page")
    tail = ", ".join(part for part in (where, date) if part)
    if tail:
        parts.append(f" {tail}{f'({page})' if page and date else ''}.")
    return "".join(parts)


def card_lines(number: int, case: dict) -> list[tuple[str, str]]:
    """The card as (kind, text) lines, shared by both formats: kinds heading, field, section, item, quote."""
    lines: list[tuple[str, str]] = [("heading", f"{number}. {case['title']}")]
    lines.append(("field", f"地点:{' / '.join(case['place_chain']) or case['place']}"))
    if case["practices"]:
        lines.append(("field", f"做法名称:{'、'.join(case['practices'])}"))
    if case["themes"]:
        lines.append(("field", f"主题:{'、'.join(case['themes'])}"))
    sections = (
        ("背景与问题", [case["background"]] if case["background"] else []),
        ("主要做法", case["measures"]),
        ("成效", case["results"]),
        ("数据", [_metric_text(metric) for metric in case["metrics"]]),
    )
    for name, items in sections:
        if items:
            lines.append(("section", name))
            lines.extend(("item", item) for item in items)
    if case["quotes"]:
        lines.append(("section", "评论与讲述"))
        lines.extend(("quote", f"“{q['text']}”——{q['role']}{q['speaker']}") for q in case["quotes"])
    lines.append(("section", "来源"))
    lines.append(("item", citation(case)))
    passages = ", ".join(item["passage_id"] for item in case["evidence"])
    lines.append(("field", f"段落:{passages}"))
    return lines


def _metric_text(metric: dict) -> str:
    previous = f"(由 {metric['previous']} 调整)" if metric.get("previous") is not None else ""
    scope = f"[{metric['scope']}]" if metric.get("scope") else ""
    return f"{metric['indicator']}:{metric['value']}{metric['unit']}{previous}{scope}"


def to_markdown(cases: list[dict]) -> str:
    out = [f"# {PACK_TITLE}", "", f"共 {len(cases)} 个案例。", ""]
    for number, case in enumerate(cases, start=1):
        for kind, text in card_lines(number, case):
            out.append({"heading": f"## {text}\n", "field": f"- {text}", "section": f"\n### {text}\n",
                        "item": f"- {text}", "quote": f"> {text}\n"}[kind])
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def to_docx(cases: list[dict]) -> bytes:
    document = DocxDocument()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(PACK_TITLE, level=0)
    document.add_paragraph(f"共 {len(cases)} 个案例。")
    for number, case in enumerate(cases, start=1):
        for kind, text in card_lines(number, case):
            if kind == "heading":
                document.add_heading(text, level=1)
            elif kind == "section":
                document.add_heading(text, level=2)
            elif kind == "item":
                document.add_paragraph(text, style="List Bullet")
            elif kind == "quote":
                document.add_paragraph(text, style="Quote")
            else:
                document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
