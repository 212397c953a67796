"""Version diff: two texts of one regulation aligned clause by clause by content, not by number.

Clauses pair by the similarity of their text without the label (Dice over character bigrams), solved as one
assignment (scipy's linear_sum_assignment) so each clause pairs at most once; pairs below MIN_PAIRED are no
pair. A paired clause is unchanged, moved (same text, new number or new place: 第十三条 → 第十四条) or changed
(with a character-level diff, difflib's); unpaired clauses were removed from A or added in B.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np

from index.compare.regulations import clause_body, load_regulations
from index.store.library import Library
from ingest.models import Document
from ingest.regulation import edition_key
from ingest.text.fold import fold

MIN_PAIRED = 0.5  # Dice of bigrams: an edited clause keeps well above it, two different clauses of one law rarely reach it
ADDED, REMOVED, MOVED, CHANGED, SAME = "added", "removed", "moved", "changed", "unchanged"
LABELS = {ADDED: "新增", REMOVED: "删除", MOVED: "移动", CHANGED: "修改", SAME: "未变"}


class UnknownDocument(LookupError):
    """A document id the store does not have (or one without 条)."""


@dataclass
class Entry:
    status: str
    old: dict | None  # {"passage_id", "clause", "text"} in A
    new: dict | None  # … in B
    similarity: float = 1.0
    pieces: list[tuple[str, str]] = field(default_factory=list)  # ("equal"|"insert"|"delete", text) for changed

    def to_json(self) -> dict:
        return {"status": self.status, "label": LABELS[self.status], "old": self.old, "new": self.new,
                "similarity": round(self.similarity, 3), "pieces": [list(piece) for piece in self.pieces]}


@dataclass
class VersionDiff:
    a: dict
    b: dict
    entries: list[Entry]
    same_title: bool

    def counts(self) -> dict[str, int]:
        found = Counter(entry.status for entry in self.entries)
        return {status: found.get(status, 0) for status in (ADDED, REMOVED, CHANGED, MOVED, SAME)}

    @property
    def summary(self) -> str:
        counts = self.counts()
        line = "，".join(f"{LABELS[status]} {counts[status]} 条" for status in (ADDED, REMOVED, CHANGED, MOVED, SAME))
        return line + ("" if self.same_title else "(两份文件标题不同,可能不是同一法规的两个版本)")

    def to_json(self) -> dict:
        return {"a": self.a, "b": self.b, "summary": self.summary, "counts": self.counts(),
                "same_title": self.same_title, "entries": [entry.to_json() for entry in self.entries]}


def bigrams(text: str) -> Counter:
    folded = fold(text)
    return Counter(folded[i:i + 2] for i in range(max(1, len(folded) - 1)))


def dice(a: Counter, b: Counter) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


def char_diff(old: str, new: str) -> list[tuple[str, str]]:
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("equal", old[i1:i2]))
        if op in ("delete", "replace"):
            pieces.append(("delete", old[i1:i2]))
        if op in ("insert", "replace"):
            pieces.append(("insert", new[j1:j2]))
    return pieces


def clauses_of(document: Document) -> list[dict]:
    return [{"passage_id": p.passage_id, "clause": p.clause, "text": p.text, "body": clause_body(p.text)}
            for p in document.passages if p.clause]


def align(old: list[dict], new: list[dict]) -> list[tuple[int, int, float]]:
    """(i, j, similarity) pairs: each clause at most once, identical texts first, then the best assignment."""
    pairs: list[tuple[int, int, float]] = []
    free_new: dict[str, list[int]] = {}
    for j, clause in enumerate(new):
        free_new.setdefault(fold(clause["body"]), []).append(j)
    rest_old = []
    for i, clause in enumerate(old):
        same = free_new.get(fold(clause["body"]))
        if same:
            pairs.append((i, same.pop(0), 1.0))
        else:
            rest_old.append(i)
    taken = {j for _, j, _ in pairs}
    rest_new = [j for j in range(len(new)) if j not in taken]
    if rest_old and rest_new:
        grams_old = [bigrams(old[i]["body"]) for i in rest_old]
        grams_new = [bigrams(new[j]["body"]) for j in rest_new]
        similarity = np.array([[dice(a, b) for b in grams_new] for a in grams_old])
        from scipy.optimize import linear_sum_assignment  # here: scipy costs every server's start-up a second

        rows, cols = linear_sum_assignment(-similarity)
        pairs += [(rest_old[r], rest_new[c], float(similarity[r, c]))
                  for r, c in zip(rows, cols, strict=True) if similarity[r, c] >= MIN_PAIRED]
    return sorted(pairs, key=lambda pair: pair[1])


def in_order(pairs: list[tuple[int, int, float]]) -> set[int]:
    """The old indices of the longest run of pairs kept in the same order (the rest moved)."""
    olds = [i for i, _, _ in pairs]  # pairs sorted by new index
    best: list[list[int]] = []
    for i in olds:  # longest increasing subsequence, quadratic: a regulation has a few hundred 条 at most
        longest = max((run for run in best if run[-1] < i), key=len, default=[])
        best.append(longest + [i])
    return set(max(best, key=len, default=[]))


def diff_clauses(old: list[dict], new: list[dict]) -> list[Entry]:
    pairs = align(old, new)
    steady = in_order(pairs)
    paired_old = {i: (j, sim) for i, j, sim in pairs}
    paired_new = {j: (i, sim) for i, j, sim in pairs}

    def view(clause: dict) -> dict:
        return {key: clause[key] for key in ("passage_id", "clause", "text")}

    entries: list[Entry] = []
    emitted_old: set[int] = set()

    def flush_removed(up_to: int) -> None:
        for i in range(up_to):
            if i not in paired_old and i not in emitted_old:
                emitted_old.add(i)
                entries.append(Entry(REMOVED, view(old[i]), None, 0.0))

    for j, clause in enumerate(new):
        if j not in paired_new:
            entries.append(Entry(ADDED, None, view(clause), 0.0))
            continue
        i, similarity = paired_new[j]
        flush_removed(i)
        a, b = old[i], clause
        if fold(a["body"]) != fold(b["body"]):
            entries.append(Entry(CHANGED, view(a), view(b), similarity, char_diff(a["body"], b["body"])))
        elif a["clause"] != b["clause"] or i not in steady:
            entries.append(Entry(MOVED, view(a), view(b)))
        else:
            entries.append(Entry(SAME, view(a), view(b)))
    flush_removed(len(old))
    return entries


def diff_documents(library: Library, doc_a: str, doc_b: str) -> VersionDiff:
    documents = []
    for doc_id in (doc_a, doc_b):
        document = library.store.get_document(doc_id)
        if document is None:
            raise UnknownDocument(f"没有编号为 {doc_id} 的文档")
        if not any(passage.clause for passage in document.passages):
            raise UnknownDocument(f"文档 {doc_id}({document.title})没有按“第X条”分条,无法逐条比较")
        documents.append(document)
    old, new = documents
    versions = {row.doc_id: row.version_date for row in load_regulations(library.store)}
    return VersionDiff(
        a={"doc_id": old.doc_id, "title": old.title, "date": versions.get(old.doc_id) or old.date},
        b={"doc_id": new.doc_id, "title": new.title, "date": versions.get(new.doc_id) or new.date},
        entries=diff_clauses(clauses_of(old), clauses_of(new)),
        same_title=edition_key(old.title) == edition_key(new.title),
    )
