"""The regulations in the store with their metadata (ingest/regulation.py) and status: which version of a title
is in force and which is superseded. Read-only: a regulation ingested before its metadata was stored gets it
computed from its stored history passage."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.store.store import Store
from ingest.models import DocType, Document
from ingest.policy import is_history
from ingest.regulation import regulation_info

LEVELS = ("national", "provincial", "city")
ISSUERS = ("人大常委会", "人民政府", "部门", "司法机关")
LEVEL_LABELS = {"national": "国家", "provincial": "省级", "city": "市级"}
STATUS_IN_FORCE, STATUS_SUPERSEDED, STATUS_REPEALED = "现行有效", "已被新版本替代", "已废止"
CLAUSE_LABEL = re.compile(r"^第[一二三四五六七八九十百千零〇两\d]+条(?:之[一二三四五六七八九十\d]+)?[\s\u3000]*")


@dataclass
class RegulationRow:
    doc_id: str
    title: str
    date: str | None
    places: list[str]
    issuer: str | None = None
    level: str | None = None
    place: str | None = None
    adopted: str | None = None
    amended: list[str] = field(default_factory=list)
    edition_key: str = ""
    repealed: bool = False
    status: str | None = None  # known only when the title has several versions, or the history says 废止

    @property
    def version_date(self) -> str | None:
        """The date of this text: its latest amendment, else its adoption, else the document date."""
        return max([self.adopted or "", *self.amended]) or self.date

    def to_json(self) -> dict:
        data = dict(vars(self))
        data["version_date"] = self.version_date
        data["level_label"] = LEVEL_LABELS.get(self.level or "")
        return data


def clause_body(text: str) -> str:
    """A 条's text without its label, so renumbered clauses compare equal."""
    return CLAUSE_LABEL.sub("", text.strip(), count=1)


def stored_info(store: Store, document: Document) -> dict:
    """The stored metadata, or the same computed from the history passage (older data folders)."""
    history = [line for passage in document.passages[:1] if passage.clause is None
               for line in passage.text.splitlines() if is_history(line.strip("()\uff08\uff09 "))]
    return regulation_info(document.title, history).to_dict()


def load_regulations(store: Store) -> list[RegulationRow]:
    """Every policy document structured in 条, with metadata and status."""
    infos = store.regulation_infos()
    rows: list[RegulationRow] = []
    for summary in store.list_documents():
        if summary["doc_type"] != DocType.POLICY:
            continue
        info = infos.get(summary["doc_id"])
        if info is None:
            document = store.get_document(summary["doc_id"])
            if document is None or not any(passage.clause for passage in document.passages):
                continue
            info = stored_info(store, document)
        rows.append(RegulationRow(
            doc_id=summary["doc_id"], title=summary["title"], date=summary["date"], places=summary["places"],
            issuer=info["issuer"], level=info["level"], place=info["place"], adopted=info["adopted"],
            amended=info["amended"], edition_key=info["edition_key"], repealed=info["repealed"],
        ))
    mark_status(rows)
    return rows


def mark_status(rows: list[RegulationRow]) -> None:
    """Of several versions of one title, the latest is in force and the others superseded."""
    editions: dict[str, list[RegulationRow]] = {}
    for row in rows:
        editions.setdefault(row.edition_key or row.title, []).append(row)
    for versions in editions.values():
        if len(versions) > 1:
            latest = max(versions, key=lambda row: row.version_date or "")
            for row in versions:
                row.status = STATUS_IN_FORCE if row is latest else STATUS_SUPERSEDED
    for row in rows:
        if row.repealed:
            row.status = STATUS_REPEALED


def select(rows: list[RegulationRow], place: str | None = None, level: str | None = None,
           year_from: int | None = None) -> list[RegulationRow]:
    """The regulations in scope: issued by or naming `place`, at `level`, with a text dated `year_from` or later."""
    chosen = []
    for row in rows:
        if place and not (row.place and place in row.place) and not any(place in name for name in row.places):
            continue
        if level and row.level != level:
            continue
        if year_from and (row.version_date or "0")[:4] < str(year_from):
            continue
        chosen.append(row)
    return chosen


def regulation_doc_ids(store: Store, levels: list[str] = (), issuers: list[str] = (),
                       in_force: bool = False) -> list[str]:
    """The regulations at any of `levels`, by any of `issuers` (and, with `in_force`, not superseded or
    repealed): a search filter on metadata the index does not hold."""
    return [row.doc_id for row in load_regulations(store)
            if (not levels or row.level in levels) and (not issuers or row.issuer in issuers)
            and not (in_force and row.status in (STATUS_SUPERSEDED, STATUS_REPEALED))]
