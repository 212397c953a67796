"""GB/T 7714-2015 reference strings for documents, so a reader can cite what they found.

Newspaper articles follow `作者. 题名[N]. 报纸名, 出版日期(版次).`, documents read from the web
`作者. 题名[EB/OL]. 出版者, (出版日期)[引用日期]. URL.`; anything not known is left out rather than
invented (no author → the entry starts with the title; no page → no parentheses). Pure functions, no I/O.
"""
from __future__ import annotations

import re

# Words a byline carries that are roles, not names ("本报记者 张三 通讯员 李四" → 张三, 李四).
# One-character roles (文, 图, 摄) count only when a colon or slash marks them, so names keep their 文 and 图.
BYLINE_ROLES = re.compile(
    r"(?:本报|特约|见习|实习)?(?:记者|通讯员|撰稿人?|作者|责任编辑|编辑|责编|校对|摄影)[::/]?"
    r"|文/图[::]?|(?:文|图|摄)[::/]"
)
NAME_SEPARATORS = re.compile(r"[\s,,、;;/]+")
NAME_EDGES = re.compile(r"^[.。()()]+|[.。()()]+$")  # brackets and stops left around a name
MAX_AUTHORS = 3  # GB/T 7714-2015 8.1.2: list the first three, then ", 等"
# GB/T 7714-2015 document type codes for what redprop ingests.
TYPE_CODES = {"news": "N", "policy": "Z", "other": "Z"}
ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def authors_of(byline: str | None) -> list[str]:
    """Names in a byline, roles removed, in order, without repeats."""
    if not byline:
        return []
    names: list[str] = []
    for part in NAME_SEPARATORS.split(BYLINE_ROLES.sub(" ", byline)):
        part = NAME_EDGES.sub("", part)
        if part and part not in names:
            names.append(part)
    return names


def format_authors(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_AUTHORS])
    return shown + (", 等" if len(names) > MAX_AUTHORS else "")


def format_date(date: str | None) -> str:
    """ISO dates as GB/T 7714 writes them (YYYY-MM-DD, zero-padded); anything else is kept as given."""
    if not date:
        return ""
    match = ISO_DATE.fullmatch(date.strip())
    if not match:
        return date.strip()
    year, month, day = match.groups()
    return "-".join([year] + [part.zfill(2) for part in (month, day) if part])


def citation(title: str, *, authors: list[str] | None = None, publisher: str | None = None,
             date: str | None = None, page: str | None = None, type_code: str = "N") -> str:
    """One reference entry: `作者. 题名[N]. 报纸名, 日期(版次).` with unknown parts left out."""
    parts: list[str] = []
    if authors:
        parts.append(format_authors(authors))
    parts.append(f"{title.strip()}[{type_code}]")
    when = format_date(date) + (f"({page})" if page else "")
    where = ", ".join(piece for piece in ((publisher or "").strip(), when) if piece)
    if where:
        parts.append(where)
    return ". ".join(parts) + "."


def online_citation(title: str, url: str, *, authors: list[str] | None = None, publisher: str | None = None,
                    date: str | None = None, cited: str | None = None) -> str:
    """An online resource (GB/T 7714-2015 8.8): `作者. 题名[EB/OL]. 出版者, (发布日期)[引用日期]. URL.`"""
    parts: list[str] = []
    if authors:
        parts.append(format_authors(authors))
    parts.append(f"{title.strip()}[EB/OL]")
    when = (f"({format_date(date)})" if date else "") + (f"[{format_date(cited)}]" if cited else "")
    where = ", ".join(piece for piece in ((publisher or "").strip(), when) if piece)
    if where:
        parts.append(where)
    parts.append(url.strip())
    return ". ".join(parts) + "."


def document_citation(document: dict) -> str:
    """The citation for a document as `show_document` returns it (fields it lacks are simply unknown); one
    with a URL is cited as an online resource, its 引用日期 the day it was ingested (fetched)."""
    if document.get("url"):
        return online_citation(document["title"], document["url"], authors=authors_of(document.get("byline")),
                               publisher=document.get("publisher"), date=document.get("date"),
                               cited=(document.get("ingested_at") or "")[:10] or None)
    return citation(
        document["title"],
        authors=authors_of(document.get("byline")),
        publisher=document.get("publisher"),
        date=document.get("date"),
        page=document.get("page") or document.get("edition"),
        type_code=TYPE_CODES.get(str(document.get("doc_type")), "Z"),
    )
