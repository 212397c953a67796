"""What the CLI and the HTTP API both answer for comparisons (clause matrix, version diff, clause lineage),
with library errors turned into the API's errors."""
from __future__ import annotations

import html

from index.compare import export
from index.compare.diff import UnknownDocument, VersionDiff, diff_documents
from index.compare.lineage import document_lineage, passage_lineage
from index.compare.matrix import SORTS, Matrix, UnknownQuestion, compare
from index.compare.regulations import LEVELS, clause_body, load_regulations
from index.store.library import Library
from search_api.errors import BadRequest, NotFound

KINDS = ("policy", "news")
FORMATS = ("table", "json", *export.WRITERS)


def clause_matrix(library: Library, question: str, place: str | None = None, level: str | None = None,
                  year_from: int | None = None, sort: str = "place", kind: str = "policy") -> Matrix:
    if not question or not question.strip():
        raise BadRequest("问题不能为空:请输入要比较的问题,例如 维修资金怎么使用")
    if level and level not in LEVELS:
        raise BadRequest(f"level 只能是 {'/'.join(LEVELS)}(收到 {level})")
    if sort not in SORTS:
        raise BadRequest(f"sort 只能是 {'/'.join(SORTS)}(收到 {sort})")
    if kind not in KINDS:
        raise BadRequest(f"type 只能是 policy 或 news(收到 {kind})")
    try:
        return compare(library, question.strip(), place or None, level or None, year_from, sort, kind)
    except UnknownQuestion as error:
        raise BadRequest(str(error)) from None


MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def export_matrix(matrix: Matrix, fmt: str) -> bytes:
    if fmt not in export.WRITERS:
        raise BadRequest(f"format 只能是 {'/'.join(export.WRITERS)}(收到 {fmt})")
    return export.WRITERS[fmt](matrix)


def version_diff(library: Library, doc_a: str, doc_b: str) -> VersionDiff:
    if not doc_a or not doc_b:
        raise BadRequest("请给出要比较的两份文档编号 a 和 b")
    try:
        return diff_documents(library, doc_a, doc_b)
    except UnknownDocument as error:
        raise NotFound(str(error)) from None


def diff_markdown(diff: VersionDiff) -> str:
    """The diff for a terminal or a Markdown file: [-deleted-]{+inserted+} inside changed clauses."""
    lines = [f"# {diff.a['title']}({diff.a['date'] or '日期不详'} → {diff.b['date'] or '日期不详'})", "",
             diff.summary, ""]
    for entry in diff.entries:
        old, new = entry.old or {}, entry.new or {}
        label = old.get("clause") if not new else new["clause"] if not old or old["clause"] == new["clause"] \
            else f"{old['clause']} → {new['clause']}"
        if entry.status == "changed":
            body = "".join(text if op == "equal" else f"[-{text}-]" if op == "delete" else f"{{+{text}+}}"
                           for op, text in entry.pieces)
        else:
            body = (new or old)["text"]
        if entry.status != "unchanged":
            lines += [f"- **{entry.to_json()['label']}** {label}:{body}"]
    return "\n".join(lines) + "\n"


def diff_html(diff: VersionDiff) -> list[str]:
    """Each entry's text as HTML, changed text as <del>/<ins>, everything escaped (the page and --format html)."""
    parts = []
    for entry in diff.entries:
        if entry.status == "changed":
            parts.append("".join(html.escape(text) if op == "equal" else f"<{op[:3]}>{html.escape(text)}</{op[:3]}>"
                                 for op, text in entry.pieces))
        else:
            parts.append(html.escape(clause_body((entry.new or entry.old)["text"])))
    return parts


def diff_document_html(diff: VersionDiff) -> str:
    """A standalone HTML page of the diff (`redprop diff --format html`)."""
    rows = "\n".join(
        f'<tr class="{entry.status}"><td>{html.escape(entry.to_json()["label"])}</td>'
        f'<td>{html.escape((entry.old or {}).get("clause") or "")}</td><td>{html.escape((entry.new or {}).get("clause") or "")}</td>'
        f"<td>{body}</td></tr>"
        for entry, body in zip(diff.entries, diff_html(diff), strict=True))
    return (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{html.escape(diff.a["title"])} 版本比较</title>'
            "<style>del{background:#fdd}ins{background:#dfd}td{vertical-align:top;padding:4px;border-bottom:1px solid #ddd}</style>"
            f"<h1>{html.escape(diff.a['title'])}</h1><p>{html.escape(diff.summary)}</p>"
            f"<table><tr><th>变化</th><th>旧条号</th><th>新条号</th><th>条文</th></tr>{rows}</table></html>\n")


def lineage_of_passage(library: Library, passage_id: str) -> dict:
    if not library.store.passages([passage_id]):
        raise NotFound(f"没有编号为 {passage_id} 的段落")
    return {"passage_id": passage_id,
            "reuse": [reuse.to_json() for reuse in passage_lineage(library, passage_id)]}


def lineage_of_document(library: Library, doc_id: str) -> dict:
    document = library.store.get_document(doc_id)
    if document is None:
        raise NotFound(f"没有编号为 {doc_id} 的文档")
    clauses = {p.passage_id: p.clause for p in document.passages}
    found = document_lineage(library, doc_id)
    return {"doc_id": doc_id, "title": document.title, "clauses": [
        {"passage_id": pid, "clause": clauses.get(pid),
         "reuse": [reuse.to_json() for reuse in reuse_list]}
        for pid, reuse_list in found.items()]}


def regulation_choices(library: Library) -> list[dict]:
    """Regulations to pick two versions from, versions of one title together, oldest first."""
    rows = sorted(load_regulations(library.store), key=lambda row: (row.edition_key, row.version_date or ""))
    return [row.to_json() for row in rows]


def clause_lineage_labels(library: Library, document: dict) -> dict[str, list[dict]]:
    """For the document page: passage_id → clauses of other regulations sharing its text (regulations only)."""
    if document["doc_type"] != "policy" or not any(p["clause"] for p in document["passages"]):
        return {}
    return {pid: [reuse.to_json() for reuse in found]
            for pid, found in document_lineage(library, document["doc_id"]).items()}
