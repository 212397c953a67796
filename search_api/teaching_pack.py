"""A collection as a teaching pack (教学资料包): DOCX (python-docx) and Markdown with the same parts in the same
order — cover, contents, then each item with its note, excerpt, place chain, figures with evidence and GB/T 7714
citation — and a closing reference list. Input is `collection_service.show()`'s dict; no I/O besides the bytes.
"""
from __future__ import annotations

import io
from datetime import date

from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
NOTE_COLOUR = RGBColor(0x9B, 0x1C, 0x1C)  # the instructor's voice in the party red the pages use
HEADING_COLOUR = RGBColor(0x8C, 0x1D, 0x17)
COLUMN_WIDTHS = (Cm(5.5), Cm(10.5))  # figures, evidence sentence: the A4 text width Word gives by default


def pack_title(view: dict) -> str:
    return view["title"] or "未命名合集"


def references(view: dict) -> list[str]:
    """Distinct citations of the present items, in item order."""
    return list(dict.fromkeys(item["citation"] for item in view["items"] if item.get("citation")))


def figure_line(figure: dict) -> str:
    return f"{figure['indicator']} {figure['value']}{figure.get('unit') or ''}"


def figure_groups(figures: list[dict]) -> list[tuple[str, str]]:
    """(figures, evidence sentence) with the figures one sentence states together, in order: a sentence that gives
    five numbers is printed once, not five times."""
    grouped: dict[str, list[str]] = {}
    for figure in figures:
        grouped.setdefault(figure.get("evidence") or "", []).append(figure_line(figure))
    return [(";".join(lines), evidence) for evidence, lines in grouped.items()]


def to_markdown(view: dict, today: date | None = None) -> str:
    today = today or date.today()
    lines = [f"# {pack_title(view)}", ""]
    if view.get("description"):
        lines += [view["description"], ""]
    lines += [f"教学资料包 · 共 {len(view['items'])} 条 · 生成于 {today.isoformat()} · redprop", "", "## 目录", ""]
    lines += [f"{item['position']}. {item['title']}" + (f"({item['missing']})" if item["missing"] else "")
              for item in view["items"]]
    for item in view["items"]:
        lines += ["", f"## {item['position']}. {item['title']}", "", f"*{item['kind_label']}*"
                  + (f" · {' › '.join(item['place_chain'])}" if item["place_chain"] else ""), ""]
        if item["missing"]:
            lines += [f"> 此条目无法显示:{item['missing']}。", ""]
        if item.get("note"):
            lines += [f"**按语:** {item['note']}", ""]
        if item.get("excerpt"):
            lines += ["> " + item["excerpt"].replace("\n", "\n> "), ""]
        if item.get("figures"):
            lines += ["| 数据 | 依据 |", "| --- | --- |"]
            lines += [f"| {_cell(stated)} | {_cell(evidence)} |" for stated, evidence in figure_groups(item["figures"])]
            lines.append("")
        if item.get("citation"):
            lines += [f"引用:{item['citation']}", ""]
    cited = references(view)
    if cited:
        lines += ["## 参考文献", ""] + [f"[{n}] {text}" for n, text in enumerate(cited, start=1)]
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def to_docx(view: dict, today: date | None = None) -> bytes:
    today = today or date.today()
    doc = DocxDocument()
    _fonts(doc)
    _cover(doc, view, today)
    doc.add_heading("目录", level=1)
    for item in view["items"]:
        doc.add_paragraph(f"{item['position']}. {item['title']}" + (f"({item['missing']})" if item["missing"] else ""))
    for item in view["items"]:
        doc.add_page_break()
        _item(doc, item)
    cited = references(view)
    if cited:
        doc.add_page_break()
        doc.add_heading("参考文献", level=1)
        for number, text in enumerate(cited, start=1):
            doc.add_paragraph(f"[{number}] {text}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _fonts(doc) -> None:
    """Chinese text needs the East Asian font slot set; Word and LibreOffice otherwise pick a Latin font."""
    for name, font in (("Normal", BODY_FONT), ("Title", HEADING_FONT), ("Heading 1", HEADING_FONT),
                       ("Heading 2", HEADING_FONT), ("Quote", BODY_FONT)):
        style = doc.styles[name]
        style.font.name = font
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    doc.styles["Normal"].font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2"):
        doc.styles[name].font.color.rgb = HEADING_COLOUR


def _cover(doc, view: dict, today: date) -> None:
    for _ in range(6):
        doc.add_paragraph()
    title = doc.add_paragraph(pack_title(view), style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = doc.add_paragraph("红色物业教学资料包")
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if view.get("description"):
        description = doc.add_paragraph(view["description"])
        description.alignment = WD_ALIGN_PARAGRAPH.CENTER
    facts = doc.add_paragraph(f"共 {len(view['items'])} 条 · 生成于 {today.isoformat()} · redprop")
    facts.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if view.get("missing"):
        doc.add_paragraph(f"注意:{view['missing']} 条的原文档已删除或已更新,只列出标题。").alignment = WD_ALIGN_PARAGRAPH.CENTER
    facts.add_run().add_break(WD_BREAK.PAGE)


def _item(doc, item: dict) -> None:
    doc.add_heading(f"{item['position']}. {item['title']}", level=1)
    meta = item["kind_label"] + (f" · {' › '.join(item['place_chain'])}" if item["place_chain"] else "")
    doc.add_paragraph(meta).runs[0].italic = True
    if item["missing"]:
        doc.add_paragraph(f"此条目无法显示:{item['missing']}。")
    if item.get("note"):
        note = doc.add_paragraph()
        label = note.add_run("按语:")
        label.bold = True
        label.font.color.rgb = NOTE_COLOUR
        note.add_run(item["note"])
    if item.get("excerpt"):
        doc.add_heading("原文摘录", level=2)
        doc.add_paragraph(item["excerpt"], style="Quote")
    if item.get("figures"):
        doc.add_heading("数据与依据", level=2)
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.autofit = False
        for cell, text in zip(table.rows[0].cells, ("数据", "依据"), strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for stated, evidence in figure_groups(item["figures"]):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = stated, evidence
        for column, width in zip(table.columns, COLUMN_WIDTHS, strict=True):  # LibreOffice reads the grid,
            column.width = width  # Word the cells: set both
            for cell in column.cells:
                cell.width = width
    if item.get("citation"):
        cite = doc.add_paragraph()
        cite.paragraph_format.space_before = Pt(8)
        cite.add_run("引用:").bold = True
        cite.add_run(item["citation"])
