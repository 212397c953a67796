"""Clause lineage: for a clause, the clauses of other regulations that share most of its text.

MinHash over character shingles finds candidates (datasketch's LSH, tuned for recall); an alignment of the two
texts (difflib's matching blocks, ignoring runs shorter than MIN_RUN) then measures the share of this clause
found in the other, as text-reuse studies of US state bills do. The earlier text is the likely source.
Versions of one title are left out: they are the version diff's business (diff.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from index.compare.regulations import RegulationRow, clause_body, load_regulations
from index.store.library import Library
from ingest.text.fold import fold

SHINGLE = 4  # characters per shingle: Chinese legal phrases repeat at 2–3 characters, copied text at 4+
NUM_PERM = 64
LSH_THRESHOLD = 0.3  # candidate Jaccard of shingles; low, since an edited copy loses shingles around each edit
MIN_RUN = 4  # matched runs shorter than this are shared phrasing, not copied text
MIN_SHARE = 0.5  # share of a clause found in another one to report it
MIN_CHARS = 24  # shorter clauses ("本条例自…起施行") are boilerplate every regulation has
PUNCTUATION = re.compile(r"[\s\u3000,，。;；:：、()（）《》“”\"'!！?？]")
EARLIER, LATER, SAME_TIME, UNCLEAR = "较早", "较晚", "同期", "先后不定"


@dataclass
class Reuse:
    passage_id: str
    doc_id: str
    title: str
    clause: str
    date: str | None  # this version's date
    adopted: str | None  # when the regulation was first adopted
    share: float  # of the asking clause's text found in this one
    direction: str  # this clause's regulation is 较早 (likely source) / 较晚 / 同期 / 先后不定 than the asking one

    def to_json(self) -> dict:
        return dict(vars(self)) | {"label": self.label, "when": self.when}

    @property
    def when(self) -> str:
        """Both dates, so a reader sees why it is the likely source (or why the order is unclear)."""
        if self.adopted and self.date and self.adopted != self.date:
            return f"{self.adopted} 通过,{self.date} 版本"
        return self.date or self.adopted or "日期不详"

    @property
    def label(self) -> str:
        return f"与 {self.title} {self.clause} 相同 {round(self.share * 100)}%"


@dataclass
class ClauseText:
    passage_id: str
    doc_id: str
    clause: str
    text: str  # folded, label and punctuation removed


def normalized(text: str) -> str:
    return PUNCTUATION.sub("", fold(clause_body(text)))


def shingles(text: str) -> set[bytes]:
    return {text[i:i + SHINGLE].encode("utf-8") for i in range(max(1, len(text) - SHINGLE + 1))}


def shared_share(mine: str, other: str) -> float:
    """Share of `mine` covered by runs of at least MIN_RUN characters that also occur, in order, in `other`."""
    if not mine:
        return 0.0
    blocks = SequenceMatcher(None, mine, other, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks if block.size >= MIN_RUN) / len(mine)


class LineageIndex:
    """Every long enough clause of every regulation, hashed once; ask it for one clause's reuse elsewhere."""

    def __init__(self, regulations: list[RegulationRow], clauses: list[ClauseText]):
        # Imported here: datasketch's LSH imports scipy, a second or more of every server's start-up otherwise.
        from datasketch import MinHash, MinHashLSH

        self.regulations = {row.doc_id: row for row in regulations}
        self.clauses = {clause.passage_id: clause for clause in clauses}
        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.hashes: dict[str, object] = {}  # passage_id → its MinHash
        for clause in clauses:
            minhash = MinHash(num_perm=NUM_PERM, seed=1)
            minhash.update_batch(list(shingles(clause.text)))
            self.hashes[clause.passage_id] = minhash
            self.lsh.insert(clause.passage_id, minhash)

    def reuse_of(self, passage_id: str, limit: int = 3) -> list[Reuse]:
        """The clauses of other regulations (not versions of this one) sharing at least MIN_SHARE of its text."""
        mine = self.clauses.get(passage_id)
        if mine is None:
            return []
        home = self.regulations[mine.doc_id]
        best: dict[str, Reuse] = {}
        for candidate_id in self.lsh.query(self.hashes[passage_id]):
            other = self.clauses[candidate_id]
            source = self.regulations[other.doc_id]
            if other.doc_id == mine.doc_id or source.edition_key == home.edition_key:
                continue
            share = shared_share(mine.text, other.text)
            if share < MIN_SHARE or share <= getattr(best.get(other.doc_id), "share", 0):
                continue
            best[other.doc_id] = Reuse(other.passage_id, other.doc_id, source.title, other.clause,
                                       source.version_date, source.adopted, round(share, 3), direction(source, home))
        return sorted(best.values(), key=lambda reuse: -reuse.share)[:limit]


def direction(other: RegulationRow, home: RegulationRow) -> str:
    """Earlier or later by both the adoption and the version date; when the two orders disagree (adopted first
    but amended later), the shared text could have gone either way."""
    orders = set()
    for theirs, ours in ((other.adopted or other.version_date, home.adopted or home.version_date),
                         (other.version_date, home.version_date)):
        if theirs and ours and theirs != ours:
            orders.add(EARLIER if theirs < ours else LATER)
    if not orders:
        return SAME_TIME
    return orders.pop() if len(orders) == 1 else UNCLEAR


def build_index(library: Library) -> LineageIndex:
    regulations = load_regulations(library.store)
    clauses = []
    for row in regulations:
        document = library.store.get_document(row.doc_id)
        for passage in document.passages if document else []:
            text = normalized(passage.text)
            if passage.clause and len(text) >= MIN_CHARS:
                clauses.append(ClauseText(passage.passage_id, row.doc_id, passage.clause, text))
    return LineageIndex(regulations, clauses)


def lineage_index(library: Library) -> LineageIndex:
    """One index per state of the store (rebuilt when documents are added, replaced or removed)."""
    return _cached_index(library, library.store.fingerprint())


@lru_cache(maxsize=2)
def _cached_index(library: Library, fingerprint: tuple) -> LineageIndex:
    return build_index(library)


def passage_lineage(library: Library, passage_id: str) -> list[Reuse]:
    return lineage_index(library).reuse_of(passage_id)


def document_lineage(library: Library, doc_id: str) -> dict[str, list[Reuse]]:
    """passage_id → reuse, for the clauses of one regulation that share text with other regulations."""
    index = lineage_index(library)
    found = {}
    for passage_id, clause in index.clauses.items():
        if clause.doc_id == doc_id:
            reuse = index.reuse_of(passage_id)
            if reuse:
                found[passage_id] = reuse
    return found
