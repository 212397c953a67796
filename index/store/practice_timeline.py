"""How a practice spread: the documents that report it, their places and dates, the first appearance per place and
per province, and the practices related to it. Reads the case tables (index/store/case_store.py) and the documents.

When an appearance happened is the document's date when it has one, else the year its case passages state
(`cases.year`); appearances with neither are listed as undated and never placed on the timeline.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass

from index.store.store import Store

PLACE_DEPTH = 2  # a place on the timeline is province › city: finer chains (社区, 小区) are the same city's adoption
RELATED_SHOWN = 8
MIN_SHARED_CHARS = 0.5  # "most characters": at least half of the longer name's distinct characters
PROVINCE_ENDINGS = ("省", "自治区", "特别行政区", "北京市", "天津市", "上海市", "重庆市")


@dataclass
class Appearance:
    doc_id: str
    title: str
    case_id: str
    name: str  # the spelling this document uses
    place_chain: list[str]
    date: str | None  # ISO date of the document, or the year alone ("2020") when only that is known
    year: int | None

    @property
    def place(self) -> str:
        return " › ".join(self.place_chain[:PLACE_DEPTH])


def practice_keys(store: Store, key: str) -> list[str]:
    """The stored practice keys that count as one practice. Today each key is its own practice; variant grouping
    (the cases work) replaces this one function."""
    from ingest.cases.practices import practice_key

    wanted = practice_key(key)
    found = store.db.execute("SELECT 1 FROM case_practices WHERE practice_key = ? LIMIT 1", (wanted,)).fetchone()
    return [wanted] if found else []


def province_of(chain: list[str]) -> str | None:
    return chain[0] if chain and chain[0].endswith(PROVINCE_ENDINGS) else None


def appearances(store: Store, keys: list[str]) -> list[Appearance]:
    if not keys:
        return []
    rows = store.db.execute(
        "SELECT p.name, c.case_id, c.place_chain, c.year, c.doc_id, d.title, d.date "
        "FROM case_practices p JOIN cases c USING (case_id) JOIN documents d ON d.doc_id = c.doc_id "
        f"WHERE p.practice_key IN ({', '.join('?' * len(keys))}) ORDER BY d.date, c.year, c.doc_id, c.ordinal", keys,
    ).fetchall()
    found = []
    for row in rows:
        date = row["date"] or (str(row["year"]) if row["year"] else None)
        year = int(date[:4]) if date and date[:4].isdigit() else None
        found.append(Appearance(row["doc_id"], row["title"], row["case_id"], row["name"],
                                json.loads(row["place_chain"]), date, year))
    return found


def timeline(store: Store, key: str) -> dict | None:
    """The practice's appearances in date order, first per place and per province; None for an unknown practice."""
    keys = practice_keys(store, key)
    found = appearances(store, keys)
    if not found:
        return None
    names = Counter(item.name for item in found)
    dated = sorted((item for item in found if item.year), key=lambda item: (item.date, item.place))
    first_by_place: dict[str, Appearance] = {}
    first_by_province: dict[str, Appearance] = {}
    for item in dated:
        first_by_place.setdefault(item.place, item)
        province = province_of(item.place_chain)
        if province:
            first_by_province.setdefault(province, item)
    return {
        "key": keys[0], "name": names.most_common(1)[0][0], "spellings": sorted(names),
        "appearances": [_json(item) for item in dated],
        "undated": [_json(item) for item in found if not item.year],
        "first_by_place": [_json(item) | {"place": place} for place, item in first_by_place.items()],
        "first_by_province": {province: item.year for province, item in first_by_province.items()},
        "places": sorted({item.place for item in found}),
        "related": related(store, keys),
    }


def related(store: Store, keys: list[str]) -> list[dict]:
    """Other practices that share the head and most characters, or are reported in the same cases."""
    from ingest.cases.practices import heads

    catalogue = {row[0]: row[1] for row in store.db.execute(
        "SELECT practice_key, min(name) FROM case_practices GROUP BY practice_key")}
    found: dict[str, dict] = {}
    case_ids = [row[0] for row in store.db.execute(
        f"SELECT DISTINCT case_id FROM case_practices WHERE practice_key IN ({', '.join('?' * len(keys))})", keys)]
    together = Counter()
    for chunk in (case_ids[i : i + 500] for i in range(0, len(case_ids), 500)):
        together.update(row[0] for row in store.db.execute(
            f"SELECT practice_key FROM case_practices WHERE case_id IN ({', '.join('?' * len(chunk))})", chunk))
    for other, count in together.items():
        if other not in keys:
            found[other] = {"key": other, "name": catalogue.get(other, other), "cases_together": count, "similar": False}
    for key in keys:
        head = next((head for head in heads() if key.endswith(head)), None)
        if head is None:
            continue
        for other, name in catalogue.items():
            if other not in keys and other.endswith(head) and _shared(key, other, head) >= MIN_SHARED_CHARS:
                found.setdefault(other, {"key": other, "name": name, "cases_together": 0, "similar": False})
                found[other]["similar"] = True
    ranked = sorted(found.values(), key=lambda item: (-item["similar"], -item["cases_together"], item["key"]))
    return ranked[:RELATED_SHOWN]


def _shared(one: str, other: str, head: str) -> float:
    """Share of distinct characters the two names have in common, their head aside."""
    a, b = set(one[: -len(head)]), set(other[: -len(head)])
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


def _json(item: Appearance) -> dict:
    return asdict(item) | {"place": item.place}
