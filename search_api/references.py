"""Reference-manager records (RIS, BibTeX, CSL-JSON) for documents, so Zotero, EndNote or NoteExpress can import them.

Each document becomes the item type a reference manager expects for it: a newspaper article (newspaper name,
版次 when known), a regulation as a statute (issuing body, 文号), a web page (URL and access date). RIS tags follow
Zotero's RIS translator (statute: TI name of act, M1 public law number, AU author; newspaper: T2 publication,
SE section; web page: ELEC with UR and Y2), which EndNote and NoteExpress read the same way. Unknown parts are
left out, never invented. Pure functions over the dicts `service.show_document` returns.
"""
from __future__ import annotations

import json
import re

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field

from search_api.citation import authors_of, document_citation, format_date

FORMATS = {"ris": "application/x-research-info-systems", "bib": "application/x-bibtex",
           "json": "application/vnd.citationstyles.csl+json", "txt": "text/plain"}
FORMAT_NAMES = {"ris": "RIS", "bib": "BibTeX", "json": "CSL-JSON", "txt": "GB/T 7714"}
# 文号 as official documents print it: issuing-organ abbreviation, year in 〔〕 (or [] / ()), serial, 号.
DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}\s*[〔\[(\uff08\uff3b]\s*(?:19|20)\d{2}\s*[〕\])\uff09\uff3d]\s*第?\s*\d{1,4}\s*号")
# A decree number, the number statutes carry (中华人民共和国国务院令第379号, 住房和城乡建设部令第33号).
DECREE_NUMBER = re.compile(r"(?:中华人民共和国)?((?:国务院|[\u4e00-\u9fff]{2,12}?部)令)第\s*(\d{1,4})\s*号")
# The headnote (题注) of a statute names who passed it: "2021年6月24日郑州市第十五届人民代表大会常务委员会第二十六次
# 会议通过", "最高人民法院审判委员会第1825次会议通过". The first such line names the enacting body.
ENACTED_BY = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*([\u4e00-\u9fff]{2,12}?)(?:第[一二三四五六七八九十\d]{1,4}届)?"
                        r"(人民代表大会常务委员会|人大常委会|人民代表大会|审判委员会|检察委员会)")
SPELLED_OUT = {"人大常委会": "人民代表大会常务委员会"}
COURT_BODIES = ("审判委员会", "检察委员会")  # a court's committee enacts in the court's own name
# An official document's title is 发文机关 + 关于 + 事由 + 文种; the organ ends in one of these.
ISSUER_TITLE = re.compile(r"^(.{2,30}?(?:人民政府|人民代表大会常务委员会|人大常委会|委员会|办公厅|办公室|政府|"
                          r"厅|局|部|委|党委|组织部|街道办事处|工作委员会))(?:关于|印发)")
HEAD_PASSAGES = 3  # a 文号 is printed under the title: look no further than the first passages


def kind_of(document: dict) -> str:
    """newspaper | statute | webpage: what a reference manager should file the document as."""
    if document.get("doc_type") == "policy":
        return "statute"
    if document.get("publisher") and document.get("doc_type") == "news":
        return "newspaper"
    return "webpage" if document.get("url") else "newspaper" if document.get("doc_type") == "news" else "webpage"


def _head(document: dict) -> list[str]:
    return [document.get("title") or ""] + [p.get("text", "") for p in (document.get("passages") or [])[:HEAD_PASSAGES]]


def document_number(document: dict) -> str | None:
    """The regulation's 文号 (or decree number) when its title or first passages print one."""
    for text in _head(document):
        match = DOCUMENT_NUMBER.search(text)
        if match:
            return re.sub(r"\s+", "", match.group(0))
        match = DECREE_NUMBER.search(text)
        if match:
            return f"{match.group(1)}第{match.group(2)}号"
    return None


def issuer_of(document: dict) -> str | None:
    """The body that issued a regulation: the stated publisher, else the body its headnote says passed it, the
    ministry or State Council whose decree it is, or the organ its title begins with."""
    if document.get("publisher"):
        return document["publisher"]
    for text in _head(document)[1:]:
        match = ENACTED_BY.search(text)
        if match:
            place, body = match.groups()
            return place if body in COURT_BODIES else place + SPELLED_OUT.get(body, body)
        match = DECREE_NUMBER.search(text)
        if match:
            return match.group(1)[:-1]
    match = ISSUER_TITLE.match(document.get("title") or "")
    return match.group(1) if match else None


def edition_of(document: dict) -> str | None:
    """版次 ("第3版") when the record knows it."""
    return document.get("page") or document.get("edition")


def _date_parts(date: str | None) -> list[int] | None:
    text = format_date(date)
    parts = text.split("-") if text else []
    return [int(part) for part in parts] if parts and all(part.isdigit() for part in parts) else None


def to_csl(document: dict) -> dict:
    kind = kind_of(document)
    item: dict = {"id": f"redprop-{document['doc_id']}", "title": document["title"], "language": "zh-CN"}
    authors = authors_of(document.get("byline"))
    if kind == "statute":
        item["type"] = "legislation"
        issuer = issuer_of(document)
        if issuer:
            item["authority"] = issuer
            item["author"] = [{"literal": issuer}]
        number = document_number(document)
        if number:
            item["number"] = number
    elif kind == "newspaper":
        item["type"] = "article-newspaper"
        if document.get("publisher"):
            item["container-title"] = document["publisher"]
        if edition_of(document):
            item["section"] = edition_of(document)
    else:
        item["type"] = "webpage"
        if document.get("publisher"):
            item["container-title"] = document["publisher"]
    if authors and kind != "statute":
        item["author"] = [{"literal": name} for name in authors]
    parts = _date_parts(document.get("date"))
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if document.get("url"):
        item["URL"] = document["url"]
        accessed = _date_parts((document.get("accessed") or "")[:10])
        if accessed:
            item["accessed"] = {"date-parts": [accessed]}
    return item


def to_ris_entry(document: dict) -> dict:
    kind = kind_of(document)
    entry: dict = {"type_of_reference": {"statute": "STAT", "newspaper": "NEWS", "webpage": "ELEC"}[kind],
                   "title": document["title"], "id": f"redprop-{document['doc_id']}", "language": "zh-CN"}
    if kind == "statute":
        issuer = issuer_of(document)
        if issuer:
            entry["authors"] = [issuer]
        number = document_number(document)
        if number:
            entry["note"] = number  # M1: Zotero's publicLawNumber for a statute
    else:
        authors = authors_of(document.get("byline"))
        if authors:
            entry["authors"] = authors
        if document.get("publisher"):
            entry["secondary_title"] = document["publisher"]
        if kind == "newspaper" and edition_of(document):
            entry["section"] = edition_of(document)
    date = format_date(document.get("date"))
    if date:
        entry["date"] = date.replace("-", "/")
        entry["year"] = date[:4]
    if document.get("url"):
        entry["urls"] = [document["url"]]
        if document.get("accessed"):
            entry["access_date"] = document["accessed"][:10].replace("-", "/")
    return entry


class PlainRisWriter(rispy.RisWriter):
    """RIS without rispy's "1." line before each record: not part of the format, and some importers choke on it."""

    def set_header(self, count):
        return None


def to_ris(documents: list[dict]) -> str:
    return rispy.dumps([to_ris_entry(document) for document in documents], implementation=PlainRisWriter)


def to_bibtex(documents: list[dict]) -> str:
    library = bibtexparser.Library()
    for document in documents:
        library.add(_bib_entry(document))
    return bibtexparser.write_string(library)


def _bib_entry(document: dict) -> Entry:
    kind = kind_of(document)
    fields = {"title": document["title"], "language": "chinese"}
    date = format_date(document.get("date"))
    if date:
        fields["date"] = date
        fields["year"] = date[:4]
    if kind == "statute":
        entry_type = "misc"  # BibTeX has no statute; biblatex styles read `type` and `number`
        fields["type"] = "法规"
        issuer = issuer_of(document)
        if issuer:
            fields["author"] = "{" + issuer + "}"  # braces: a body, not a personal name to be split
            fields["organization"] = issuer
        number = document_number(document)
        if number:
            fields["number"] = number
    elif kind == "newspaper":
        entry_type = "article"
        fields["entrysubtype"] = "newspaper"
        if document.get("publisher"):
            fields["journal"] = document["publisher"]
        if edition_of(document):
            fields["pages"] = edition_of(document)
    else:
        entry_type = "online"
        if document.get("publisher"):
            fields["organization"] = document["publisher"]
    authors = authors_of(document.get("byline"))
    if authors and kind != "statute":
        fields["author"] = " and ".join("{" + name + "}" for name in authors)
    if document.get("url"):
        fields["url"] = document["url"]
        if document.get("accessed"):
            fields["urldate"] = document["accessed"][:10]
    values = [Field(name, _bib_value(value)) for name, value in fields.items()]
    return Entry(entry_type, f"redprop-{document['doc_id']}", values)


def _bib_value(value: str) -> str:
    """A BibTeX value (the writer adds the outer braces). Stray braces in a title would unbalance the entry, so they become parentheses;
    names already braced (kept whole, not split into given and family names) pass as they are."""
    return value if value.startswith("{") and value.endswith("}") else value.replace("{", "(").replace("}", ")")


def to_csl_json(documents: list[dict]) -> str:
    return json.dumps([to_csl(document) for document in documents], ensure_ascii=False, indent=2)


def to_gbt(documents: list[dict]) -> str:
    return "".join(f"[{number}] {document_citation(document)}\n" for number, document in enumerate(documents, start=1))


def export(documents: list[dict], fmt: str) -> str:
    """The documents in one of FORMATS."""
    writers = {"ris": to_ris, "bib": to_bibtex, "json": to_csl_json, "txt": to_gbt}
    if fmt not in writers:
        raise ValueError(fmt)
    return writers[fmt](documents)
