"""Measured search quality: graded nDCG@10, MRR and recall@10 over judged question sets (tests/relevance/).

A judged set is a folder holding `dev.toml` (tuned on) and `test.toml` (kept aside while tuning), or one such file.
A judgment grades a passage 2 (answers the question), 1 (partly answers or gives context) or 0 (read, not relevant),
naming it by a key that survives re-ingestion: `文件名#第十条` (the passage of that clause in that source file)
or a distinctive substring of its text. Two units are scored: passages (every matching passage ranked) and
documents (one hit per document; a document's grade is the best grade of its passages). Our ranking is scored
beside peers (index/peers.py) on the same passages, with named parts of ours switched off (ABLATIONS).
"""
from __future__ import annotations

import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.query.filters import Filters
from index.query.syntax import QueryOptions
from index.results.peers import PeerIndex
from index.results.search import SearchRequest, search
from index.store.library import Library
from ingest.text.fold import fold

CUTOFF = 10
SPLITS = ("dev", "test")
UNITS = ("passage", "document", "grouped")  # every passage / one per document / the page as shown
CLAUSE_CATEGORY = "clause"  # questions about what regulations say; everything else is "other"
# Parts of our ranking that `--ablate NAME` switches off. semantic does not ship; prf, neighbours, counterparts and
# morelike ship switched off (issue 14): they are named here so that asking for them says so instead of silently measuring nothing.
ABLATIONS: dict[str, Callable[[QueryOptions], QueryOptions] | None] = {
    "synonyms": lambda options: replace(options, synonyms=False),
    "coord": lambda options: replace(options, coordination=False),
    "grams": lambda options: replace(options, grams=False),
    "related": lambda options: replace(options, related=False),
    "openings": lambda options: replace(options, openings=False),
    "prf": None,
    "neighbours": None,
    "counterparts": None,
    "morelike": None,
    "semantic": None,
}
# Parts that ship switched off, which `--enable NAME` switches on to measure what they would add.
ENABLES: dict[str, Callable[[QueryOptions], QueryOptions]] = {
    "prf": lambda options: replace(options, prf=True),
    "neighbours": lambda options: replace(options, neighbours=True),
    "counterparts": lambda options: replace(options, counterparts=True),
    "morelike": lambda options: replace(options, more_like=True),
}

# Measured and left out: switching one off would score the same ranking twice, so asking for it says why.
NOT_SHIPPED = {
    "semantic": "检索不含语义向量信号:离线句向量模型经测评未达发布标准(见 docs/semantic.md、bench/semantic.py)",
    "prf": "伪相关反馈默认关闭(在两个 dev 半集上关闭更好,见 docs/search.md);用 --enable prf 评测开启后的效果",
    "neighbours": "相邻条款默认关闭(dev 半集上更好,真实法规 test 半集略降,见 docs/search.md);"
                  "用 --enable neighbours 评测开启后的效果",
    "counterparts": "他法规对应条款默认关闭(两个 dev 半集上增减均不足 0.005,见 docs/search.md);"
                    "用 --enable counterparts 评测开启后的效果",
    "morelike": "以最佳条款再检索(more like these)默认关闭(dev 上小幅提升,test 半集未达上线规则,见 docs/relevance.md);"
                "用 --enable morelike 评测开启后的效果",
}


class JudgmentError(ValueError):
    """A judgment that names no passage, or a set that cannot be read: the figures would silently lie."""


@dataclass
class Judgment:
    q: str
    grades: dict[str, int]  # key (file#clause or substring) → 0/1/2
    kind: str = ""
    category: str = "other"
    split: str = "dev"

    @property
    def relevant(self) -> dict[str, int]:
        return {key: grade for key, grade in self.grades.items() if grade > 0}


@dataclass
class JudgedSet:
    path: Path
    documents: list[Path]
    queries: list[Judgment]
    pool: str = ""  # how the judged passages were chosen (the runs pooled), as recorded in the file

    def select(self, split: str) -> JudgedSet:
        if split == "all":
            return self
        return replace(self, queries=[j for j in self.queries if j.split == split])


@dataclass
class Scores:
    ndcg: float
    rr: float
    recall: float


@dataclass
class Report:
    name: str
    unit: str
    per_query: dict[str, Scores] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)

    def mean(self, metric: str, category: str | None = None) -> float:
        values = [getattr(scores, metric) for q, scores in self.per_query.items()
                  if category is None or self.categories[q] == category]
        return sum(values) / len(values) if values else 0.0

    def count(self, category: str | None = None) -> int:
        return sum(1 for q in self.per_query if category is None or self.categories[q] == category)

    def to_json(self) -> dict:
        def figures(category=None):
            return {"queries": self.count(category), "ndcg@10": round(self.mean("ndcg", category), 4),
                    "mrr": round(self.mean("rr", category), 4), "recall@10": round(self.mean("recall", category), 4)}

        return {
            "name": self.name, "unit": self.unit, **figures(),
            "by_category": {c: figures(c) for c in sorted(set(self.categories.values()))},
            "per_query": {q: vars(s) for q, s in self.per_query.items()},
        }


def load_judgments(path: Path) -> JudgedSet:
    """A folder (its dev.toml and test.toml, documents from the first) or a single judgments file."""
    path = Path(path)
    files = [path / f"{split}.toml" for split in SPLITS] if path.is_dir() else [path]
    files = [file for file in files if file.exists()]
    if not files:
        raise JudgmentError(f"{path}: 没有评测标注文件(需要 dev.toml / test.toml)")
    documents: list[Path] = []
    queries: list[Judgment] = []
    pools = []
    for file in files:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise JudgmentError(f"{file}: 不是有效的 TOML:{error}") from None
        default_split = file.stem if file.stem in SPLITS else "dev"
        for entry in data.get("documents", []):
            resolved = (file.parent / entry).resolve()
            if resolved not in documents:
                documents.append(resolved)
        if data.get("pool"):
            pools.append(f"{file.name}: {data['pool']}")
        for item in data.get("query", []):
            queries.append(judgment_from(file, item, default_split))
    return JudgedSet(path, documents, queries, "; ".join(pools))


def judgment_from(file: Path, item: dict, default_split: str) -> Judgment:
    if "grades" in item:
        grades = {str(key): int(grade) for key, grade in item["grades"].items()}
    else:  # the older form: a list of answering passages, each fully relevant
        grades = {needle: 2 for needle in item.get("relevant", [])}
    bad = [key for key, grade in grades.items() if grade not in (0, 1, 2)]
    if bad or not any(grade > 0 for grade in grades.values()):
        raise JudgmentError(f"{file}: 查询 {item.get('q')!r} 的评分须为 0/1/2 且至少一项大于 0")
    category = item.get("category") or (CLAUSE_CATEGORY if item.get("kind") == "policy" else "other")
    return Judgment(item["q"], grades, item.get("kind", ""), category, item.get("split", default_split))


def squash(text: str) -> str:
    """Folded, without white space: OCR spaces cleaned from passages must not orphan a judgment."""
    return "".join(fold(text).split())


@dataclass
class PassageKeys:
    """Which judged keys each passage of a library carries, and which document each passage belongs to."""

    keys: dict[str, set[str]]  # passage_id → keys
    doc_of: dict[str, str]  # passage_id → doc_id

    def doc_grades(self, judgment: Judgment) -> dict[str, int]:
        grades: dict[str, int] = {}
        for pid, keys in self.keys.items():
            for key in keys & judgment.grades.keys():
                doc = self.doc_of[pid]
                grades[doc] = max(grades.get(doc, 0), judgment.grades[key])
        return grades


def passage_keys(library: Library, judged: JudgedSet) -> PassageKeys:
    """Resolve every key to the passages it names; a key that names none is an error."""
    rows = library.store.db.execute(
        "SELECT p.passage_id, p.doc_id, p.clause, p.text, f.path FROM passages p "
        "LEFT JOIN file_documents f USING (doc_id)"
    ).fetchall()
    wanted = {key for judgment in judged.queries for key in judgment.grades}
    clause_keys = {key for key in wanted if "#" in key}
    needles = {key: squash(key) for key in wanted - clause_keys}
    keys: dict[str, set[str]] = {}
    doc_of: dict[str, str] = {}
    for pid, doc_id, clause, text, path in rows:
        doc_of[pid] = doc_id
        found = keys.setdefault(pid, set())
        if clause and path:
            label = f"{Path(path).name}#{squash(clause)}"
            found.update(key for key in clause_keys if squash(key) == label)
        folded = squash(text)
        found.update(key for key, needle in needles.items() if needle in folded)
    named = set().union(*keys.values()) if keys else set()
    missing = [f"{j.q}: {key}" for j in judged.queries for key in j.grades if key not in named]
    if missing:
        raise JudgmentError("以下评测标注在文档中找不到对应段落:\n" + "\n".join(dict.fromkeys(missing)))
    return PassageKeys(keys, doc_of)


def check_judgments(library: Library, judged: JudgedSet) -> None:
    passage_keys(library, judged)


def dcg(gains: list[int]) -> float:
    return sum((2 ** gain - 1) / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def score_gains(gains: list[int], ideal: list[int], relevant_total: int, found: int) -> Scores:
    """nDCG with exponential gains (2 counts three times 1), reciprocal rank of the first graded hit, recall."""
    ideal_dcg = dcg(sorted(ideal, reverse=True)[:CUTOFF])
    first = next((1 / rank for rank, gain in enumerate(gains, start=1) if gain > 0), 0.0)
    return Scores(dcg(gains) / ideal_dcg if ideal_dcg else 0.0, first,
                  found / relevant_total if relevant_total else 0.0)


def score_passages(ranked: list[str], judgment: Judgment, keys: PassageKeys) -> Scores:
    """Each judged key is credited once, at the first ranked passage that carries it."""
    relevant = judgment.relevant
    credited: set[str] = set()
    gains = []
    for pid in ranked[:CUTOFF]:
        new = (keys.keys.get(pid, set()) & relevant.keys()) - credited
        credited |= new
        gains.append(max((relevant[key] for key in new), default=0))
    return score_gains(gains, list(relevant.values()), len(relevant), len(credited))


def score_documents(ranked: list[str], judgment: Judgment, keys: PassageKeys) -> Scores:
    grades = {doc: grade for doc, grade in keys.doc_grades(judgment).items() if grade > 0}
    ranked = list(dict.fromkeys(ranked))[:CUTOFF]
    gains = [grades.get(doc, 0) for doc in ranked]
    return score_gains(gains, list(grades.values()), len(grades), sum(1 for doc in ranked if doc in grades))


def score_ranking(texts: list[str], relevant: list[str], cutoff: int = CUTOFF) -> Scores:
    """Binary scores of a ranked list of passage texts against judged substrings (for small hand checks)."""
    judgment = Judgment("", {needle: 1 for needle in relevant})
    keys = PassageKeys({str(i): {n for n in relevant if squash(n) in squash(t)} for i, t in enumerate(texts)},
                       {str(i): str(i) for i in range(len(texts))})
    return score_passages([str(i) for i in range(min(cutoff, len(texts)))], judgment, keys)


def options_for(ablate: list[str] | tuple[str, ...] = (), enable: list[str] | tuple[str, ...] = ()) -> QueryOptions:
    options = QueryOptions()
    for name in ablate:
        if name not in ABLATIONS:
            raise JudgmentError(f"未知的消融项 {name!r},可选:{', '.join(ABLATIONS)}")
        switch = ABLATIONS[name]
        if switch is None:
            raise JudgmentError(f"消融项 {name!r} 无可关闭。{NOT_SHIPPED[name]}")
        options = switch(options)
    for name in enable:
        if name not in ENABLES:
            raise JudgmentError(f"未知的开启项 {name!r},可选:{', '.join(ENABLES)}")
        options = ENABLES[name](options)
    return options


def our_ranking(library: Library, options: QueryOptions) -> Callable[[str, str, int], list[str]]:
    """question, unit, size → ranked passage ids (passage unit: every matching passage), doc ids (document
    unit: one per document) or the passage ids of the results as shown (grouped unit: a document's close
    further passages under its best, index/results/grouping.py; every shown passage counts)."""
    def rank(question: str, unit: str, size: int) -> list[str]:
        request = SearchRequest(question, size=size, filters=Filters(on_topic_only=False),
                                collapse=unit != "passage", per_doc=1 if unit == "document" else None,
                                options=options)
        hits = search(library, request).hits
        return [hit.doc_id if unit == "document" else hit.passage_id for hit in hits]
    return rank


def peer_ranking(peer: PeerIndex) -> Callable[[str, str, int], list[str]]:
    def rank(question: str, unit: str, size: int) -> list[str]:
        hits = peer.search(question, size, one_per_document=unit == "document")
        return [hit.doc_id if unit == "document" else hit.passage_id for hit in hits]
    return rank


def evaluate(rank: Callable[[str, str, int], list[str]], judged: JudgedSet, keys: PassageKeys, name: str,
             unit: str) -> Report:
    report = Report(name, unit)
    scorer = score_documents if unit == "document" else score_passages
    for judgment in judged.queries:
        report.per_query[judgment.q] = scorer(rank(judgment.q, unit, CUTOFF), judgment, keys)
        report.categories[judgment.q] = judgment.category
    return report


def evaluate_runs(library: Library, judged: JudgedSet, *, units=UNITS, ablate=(), baselines=(), enable=()
                  ) -> list[Report]:
    """Ours as shipped, ours with each named part off (ablate) or on (enable), and each peer; for every unit asked."""
    keys = passage_keys(library, judged)
    runs: list[tuple[str, Callable]] = [("ours", our_ranking(library, QueryOptions()))]
    runs += [(f"ours -{name}", our_ranking(library, options_for([name]))) for name in ablate]
    runs += [(f"ours +{name}", our_ranking(library, options_for(enable=[name]))) for name in enable]
    runs += [(name, peer_ranking(PeerIndex(library, name))) for name in baselines]
    return [evaluate(rank, judged, keys, name, unit) for unit in units for name, rank in runs]
