"""The clause matrix as a table file: CSV (UTF-8 with BOM, so Excel reads the Chinese), XLSX (openpyxl: frozen
header, wrapped text, one row per regulation) and DOCX (python-docx: a table under the question)."""
from __future__ import annotations

import csv
import io

from index.compare.matrix import NO_ANSWER, Matrix, Row

POLICY_COLUMNS = ("地区", "法规", "制定机关", "层级", "通过日期", "修改日期", "状态", "条款", "章", "条文", "得分", "引用",
                  "文本沿用", "其他相关条款")
NEWS_COLUMNS = ("地区", "报道", "日期", "段落", "得分", "引用")
COLUMN_WIDTHS = {"章": 16, "条文": 60, "段落": 60, "引用": 40, "法规": 24, "报道": 24, "文本沿用": 30, "其他相关条款": 30}


def table(matrix: Matrix) -> tuple[tuple[str, ...], list[list[str]]]:
    """Header and one row of cells per regulation (or place, for news)."""
    if matrix.kind == "news":
        return NEWS_COLUMNS, [_news_cells(row) for row in matrix.rows]
    return POLICY_COLUMNS, [_policy_cells(row) for row in matrix.rows]


def _policy_cells(row: Row) -> list[str]:
    regulation, best = row.regulation, row.best
    place = regulation.get("place") or ("全国" if regulation.get("level") == "national" else "")
    head = [place, regulation["title"], regulation.get("issuer") or "",
            regulation.get("level_label") or "", regulation.get("adopted") or "", "、".join(regulation.get("amended") or []),
            regulation.get("status") or ""]
    if best is None:
        return [*head, NO_ANSWER, "", "", "", "", "", ""]
    return [*head, best.clause or "", best.chapter or "", best.text, f"{best.score:g}", best.citation,
            "；".join(f"{reuse['label']}({reuse['direction']},{reuse['when']})" for reuse in best.lineage),
            "；".join(f"{cell.clause} {cell.text[:40]}…" for cell in row.runners_up)]


def _news_cells(row: Row) -> list[str]:
    best = row.best
    if best is None:
        return [row.regulation["place"], NO_ANSWER, "", "", "", ""]
    title, _, date = best.citation.removesuffix(".").partition("[N]. ")
    return [row.regulation["place"], title, date, best.text, f"{best.score:g}", best.citation]


def to_csv(matrix: Matrix) -> bytes:
    out = io.StringIO()
    header, rows = table(matrix)
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(matrix: Matrix) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "条款对比"
    header, rows = table(matrix)
    sheet.append(list(header))
    for cells in rows:
        sheet.append(cells)
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in sheet.iter_rows():
        for cell in line:
            cell.alignment = wrap
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(name, 12)
    sheet.freeze_panes = "B2"  # header row and the place column stay in view
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_docx(matrix: Matrix) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.5)
    document.add_heading(f"条款对比:{matrix.question}", level=1)
    answered = sum(row.answered for row in matrix.rows)
    document.add_paragraph(f"共 {len(matrix.rows)} 行,其中 {answered} 行有相关规定,{len(matrix.rows) - answered} 行{NO_ANSWER}。")
    header, rows = table(matrix)
    shown = [index for index, name in enumerate(header) if name not in ("通过日期", "修改日期", "章", "得分", "其他相关条款")]
    grid = document.add_table(rows=1, cols=len(shown))
    grid.style = "Table Grid"
    for cell, index in zip(grid.rows[0].cells, shown, strict=True):
        cell.text = header[index]
    for cells in rows:
        line = grid.add_row().cells
        for cell, index in zip(line, shown, strict=True):
            cell.text = cells[index]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "docx": to_docx}
