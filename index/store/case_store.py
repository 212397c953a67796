"""Cases, their practices and their figures in SQLite, in the same database file as the document Store.

Rows reference `documents(doc_id)` with ON DELETE CASCADE, so removing or re-storing a document removes its
cases. `case_runs` records which documents were read by which extractor version: `extract_pending` fills in
documents stored before the extractor existed (or by an older one) without re-ingesting files. Only writers
call it (ingest, reindex, `redprop cases rebuild`); a lookup reads what is there and never extracts.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.store.store import Store

if TYPE_CHECKING:  # extraction needs jieba.posseg and cn2an: loaded on first use, not when the server starts
    from ingest.cases.build import Case

EXTRACTOR_VERSION = 5  # 5: case hierarchy, practices by grammar with kinds, figures with approx
# Spellings a query word also matches: the short and full names of the same thing.
SYNONYMS = (
    ("业委会", "业主委员会"),
    ("物业费", "物业服务费"),
    ("维修资金", "维修基金", "维修金"),
    ("物业公司", "物业企业", "物业服务企业"),
)

DEFAULT_DEPTH = 1


@dataclass
class CaseQuery:
    text: str | None = None
    place: str | None = None
    theme: str | None = None
    practice: str | None = None
    year: int | None = None
    offset: int = 0
    limit: int | None = 20
    depth: int = DEFAULT_DEPTH  # with `place`: the place's cases and their children this many levels down


class CaseStore:
    def __init__(self, store: Store):
        self.store = store

    # -- writing -------------------------------------------------------------------------------------

    def replace_document(self, doc_id: str) -> list[Case]:
        """Extract the stored document's cases again and store them in place of its old ones."""
        from ingest.cases.build import extract_cases

        document = self.store.get_document(doc_id)
        if document is None:
            self.remove_documents([doc_id])
            return []
        repost = document.canonical_id not in (None, doc_id)  # a repost's cases are its original's
        cases = [] if repost else extract_cases(document)
        self.replace_extracted({doc_id: cases})
        return cases

    def replace_extracted(self, extracted: dict[str, list[Case]]) -> None:
        """Store cases already extracted (by ingest's workers) for stored documents, in one transaction."""
        with self.store.transaction() as db:
            for doc_id, cases in extracted.items():
                db.execute("DELETE FROM cases WHERE doc_id = ?", (doc_id,))
                for ordinal, case in enumerate(cases):
                    self._insert(db, ordinal, case)
                db.execute("INSERT OR REPLACE INTO case_runs(doc_id, version) VALUES (?, ?)",
                           (doc_id, EXTRACTOR_VERSION))

    def remove_documents(self, doc_ids: Iterable[str]) -> None:
        with self.store.transaction() as db:
            for doc_id in doc_ids:
                db.execute("DELETE FROM cases WHERE doc_id = ?", (doc_id,))
                db.execute("DELETE FROM case_runs WHERE doc_id = ?", (doc_id,))

    def pending(self) -> list[str]:
        """Stored documents not yet read by this extractor version (or whose extraction failed and is due)."""
        rows = self.store.db.execute(
            "SELECT d.doc_id FROM documents d LEFT JOIN case_runs r ON r.doc_id = d.doc_id "
            "WHERE r.version IS NULL OR r.version != ? ORDER BY d.doc_id", (EXTRACTOR_VERSION,)
        )
        return [row[0] for row in rows]

    def extract_pending(self, doc_ids: Iterable[str] | None = None,
                        on_progress: Callable[[int], None] | None = None) -> int:
        """Extract the cases of `doc_ids` (default: the pending ones) again; the caller holds the write lock.
        Returns how many documents were read; `on_progress` hears the count after each."""
        todo = self.pending() if doc_ids is None else list(doc_ids)
        for count, doc_id in enumerate(todo, start=1):
            try:
                self.replace_document(doc_id)
            except Exception:  # one unreadable document must not stop the others; it is tried once per version
                logging.getLogger(__name__).exception("案例提取失败:%s", doc_id)
                with self.store.transaction() as db:
                    db.execute("INSERT OR REPLACE INTO case_runs(doc_id, version) VALUES (?, ?)",
                               (doc_id, EXTRACTOR_VERSION))
            if on_progress:
                on_progress(count)
        return len(todo)

    def _insert(self, db, ordinal: int, case: Case) -> None:
        data = case.to_json()
        search_text = "\n".join([case.title, case.place, *case.place_chain, *case.practices, *case.themes,
                                 case.background, *case.measures, *case.results, case.title_of_source,
                                 *(item["text"] for item in case.evidence)])
        db.execute(
            "INSERT OR REPLACE INTO cases(case_id, doc_id, ordinal, title, place, place_chain, themes, year, "
            "search_text, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (case.case_id, case.doc_id, ordinal, case.title, case.place, _json(case.place_chain), _json(case.themes),
             case.year, search_text, _json(data)),
        )
        db.executemany(
            "INSERT INTO case_practices(case_id, name, practice_key, passage_ids) VALUES (?,?,?,?)",
            [(case.case_id, name, _practice_key(name), _json(ids))
             for name, ids in zip(case.practices, case.links.get("practices", []))],
        )
        db.executemany(
            "INSERT INTO case_metrics(case_id, indicator, value, unit, scope, evidence, passage_id, previous, approx) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            [(case.case_id, m.indicator, m.value, m.unit, m.scope, m.evidence, m.passage_id, m.previous, int(m.approx))
             for m in case.metrics],
        )

    # -- reading -------------------------------------------------------------------------------------

    def search(self, query: CaseQuery) -> tuple[int, list[dict]]:
        """Cases matching every filter; a text query ranks by how often its words occur in the case."""
        clauses, params = [], []
        if query.place:
            clauses.append("(c.place_chain LIKE ? OR c.place LIKE ?)")
            params += [f"%{query.place}%"] * 2
        if query.theme:
            clauses.append("c.themes LIKE ?")
            params.append(f"%{query.theme}%")
        if query.year:
            clauses.append("c.year = ?")
            params.append(query.year)
        if query.practice:
            clauses.append("c.case_id IN (SELECT case_id FROM case_practices WHERE practice_key LIKE ?)")
            params.append(f"%{_practice_key(query.practice)}%")
        words = (query.text or "").split()
        for word in words:
            spellings = _spellings(word)
            clauses.append("(" + " OR ".join("c.search_text LIKE ?" for _ in spellings) + ")")
            params += [f"%{spelling}%" for spelling in spellings]
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.store.db.execute(
            f"SELECT c.case_id, c.search_text, c.data FROM cases c {where} ORDER BY c.doc_id, c.ordinal", params
        ).fetchall()
        ranked = sorted(rows, key=lambda row: -sum(row["search_text"].count(s) for w in words for s in _spellings(w)))
        cases = [json.loads(row["data"]) for row in ranked]
        if query.place:
            cases = _at_place(cases, query.place, query.depth)
        end = None if query.limit is None else query.offset + query.limit
        return len(cases), cases[query.offset : end]

    def get(self, case_id: str) -> dict | None:
        row = self.store.db.execute("SELECT data FROM cases WHERE case_id = ?", (case_id,)).fetchone()
        return json.loads(row["data"]) if row else None

    def practices(self, name: str | None = None) -> list[dict]:
        """The practice catalogue: each practice with the cases and places that report it, most places first."""
        params: list = []
        where = ""
        if name:
            where = "WHERE p.practice_key LIKE ?"
            params.append(f"%{_practice_key(name)}%")
        rows = self.store.db.execute(
            "SELECT p.name, p.practice_key, p.passage_ids, c.case_id, c.place, c.place_chain, c.year, c.doc_id "
            f"FROM case_practices p JOIN cases c USING (case_id) {where} ORDER BY p.practice_key, c.doc_id", params
        ).fetchall()
        catalogue: dict[str, dict] = {}
        for row in rows:
            entry = catalogue.setdefault(row["practice_key"], {"name": row["name"], "places": [], "cases": []})
            chain = json.loads(row["place_chain"])
            if chain not in [place["place_chain"] for place in entry["places"]]:
                entry["places"].append({"place": row["place"], "place_chain": chain})
            entry["cases"].append({"case_id": row["case_id"], "doc_id": row["doc_id"], "year": row["year"],
                                   "passage_ids": json.loads(row["passage_ids"])})
        return sorted(catalogue.values(), key=lambda e: (-len(e["places"]), e["name"]))

    def metrics(self, indicator: str | None = None, place: str | None = None) -> list[dict]:
        """The figures table across places and years, each row with its evidence sentence and passage."""
        clauses, params = [], []
        if indicator:
            clauses.append("m.indicator LIKE ?")
            params.append(f"%{indicator}%")
        if place:
            clauses.append("c.place_chain LIKE ?")
            params.append(f"%{place}%")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.store.db.execute(
            "SELECT m.*, c.place, c.place_chain, c.year, c.doc_id FROM case_metrics m JOIN cases c USING (case_id) "
            f"{where} ORDER BY m.indicator, c.place", params
        ).fetchall()
        columns = set(rows[0].keys()) if rows else set()  # a database written before `previous`/`approx` lacks them
        return [
            {"indicator": r["indicator"], "value": _plain(r["value"]), "unit": r["unit"], "scope": r["scope"],
             "place": r["place"], "place_chain": json.loads(r["place_chain"]),
             "year": _year_of(r["evidence"]) or r["year"], "case_id": r["case_id"], "doc_id": r["doc_id"],
             "evidence": r["evidence"], "passage_id": r["passage_id"]}
            | ({"previous": _plain(r["previous"])} if "previous" in columns and r["previous"] is not None else {})
            | ({"approx": bool(r["approx"])} if "approx" in columns else {})
            for r in rows
        ]


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _at_place(cases: list[dict], place: str, depth: int) -> list[dict]:
    """Cases at `place`, each followed by its children `depth` levels down. A place that is no case's own (a city
    whose streets are the cases) starts from the highest cases under it."""
    under = [case for case in cases if any(place in name for name in case["place_chain"])]
    ids = {case["case_id"] for case in under}
    roots = [case for case in under if place in case["place"]] or [
        case for case in under if case.get("parent_case_id") not in ids]
    children: dict[str, list[dict]] = {}
    for case in under:
        children.setdefault(case.get("parent_case_id") or "", []).append(case)

    def with_children(case: dict, levels: int) -> list[dict]:
        below = children.get(case["case_id"], []) if levels > 0 else []
        return [case] + [c for child in below for c in with_children(child, levels - 1)]

    ordered = [c for root in roots for c in with_children(root, max(depth, 0))]
    return list({case["case_id"]: case for case in ordered}.values())


def _year_of(sentence: str) -> int | None:
    """The year a figure is stated for ("截至2022年底…"), when its sentence names one."""
    from ingest.cases.build import YEAR

    years = [int(year) for year in YEAR.findall(sentence)]
    return max(years) if years else None


def _spellings(word: str) -> tuple[str, ...]:
    for group in SYNONYMS:
        if word in group:
            return group
    return (word,)


def _practice_key(name: str) -> str:
    from ingest.cases.practices import practice_key

    return practice_key(name)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)
