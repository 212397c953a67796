"""Measured search quality: nDCG@10, MRR and recall@10 over a judged query set (tests/relevance/).

Judgments name relevant passages by a distinctive substring of their text, not by passage_id, so they survive
changes to how documents are cut into passages. Ranking is evaluated per passage (results not collapsed per
document), since several clauses of one regulation can answer the same question.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from index.query.filters import Filters
from index.query.syntax import QueryOptions
from index.results.search import SearchRequest, search
from index.store.library import Library
from ingest.text.fold import fold

CUTOFF = 10
# The configurations the report compares: everything on, then each optional part switched off.
CONFIGURATIONS = {
    "全部启用": QueryOptions(),
    "关闭同义词": QueryOptions(synonyms=False),
    "关闭字串回退": QueryOptions(grams=False),
}


class JudgmentError(ValueError):
    """A judged substring that no passage contains: the judgment or the documents changed."""


@dataclass
class Judgment:
    q: str
    relevant: list[str]
    kind: str = ""


@dataclass
class JudgedSet:
    path: Path
    documents: list[Path]
    queries: list[Judgment]


@dataclass
class Scores:
    ndcg: float
    rr: float
    recall: float


@dataclass
class Report:
    name: str
    options: QueryOptions
    per_query: dict[str, Scores] = field(default_factory=dict)

    def mean(self, metric: str) -> float:
        values = [getattr(scores, metric) for scores in self.per_query.values()]
        return sum(values) / len(values) if values else 0.0

    def to_json(self) -> dict:
        return {
            "name": self.name, "ndcg@10": round(self.mean("ndcg"), 4), "mrr": round(self.mean("rr"), 4),
            "recall@10": round(self.mean("recall"), 4),
            "queries": {q: vars(s) for q, s in self.per_query.items()},
        }


def load_judgments(path: Path) -> JudgedSet:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    queries = [Judgment(item["q"], list(item["relevant"]), item.get("kind", "")) for item in data["query"]]
    documents = [(Path(path).parent / entry).resolve() for entry in data.get("documents", [])]
    return JudgedSet(Path(path), documents, queries)


def squash(text: str) -> str:
    """Folded, without white space: OCR spaces cleaned from passages must not orphan a judgment."""
    return "".join(fold(text).split())


def check_judgments(library: Library, judged: JudgedSet) -> None:
    """Every judged substring must point at a passage that exists, or the figures would silently lie."""
    texts = [squash(row[0]) for row in library.store.db.execute("SELECT text FROM passages")]
    missing = [
        f"{judgment.q}: {needle}" for judgment in judged.queries for needle in judgment.relevant
        if not any(squash(needle) in text for text in texts)
    ]
    if missing:
        raise JudgmentError("以下评测标注在文档中找不到对应段落:\n" + "\n".join(missing))


def score_ranking(texts: list[str], relevant: list[str], cutoff: int = CUTOFF) -> Scores:
    """Binary-gain nDCG, reciprocal rank and recall; each judged passage is credited once."""
    needles = [squash(needle) for needle in relevant]
    found: set[int] = set()
    dcg, first = 0.0, 0.0
    for rank, text in enumerate(texts[:cutoff], start=1):
        folded = squash(text)
        hits = [i for i, needle in enumerate(needles) if i not in found and needle in folded]
        if hits:
            found.update(hits)
            dcg += 1 / math.log2(rank + 1)
            first = first or 1 / rank
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(needles), cutoff) + 1))
    return Scores(dcg / ideal if ideal else 0.0, first, len(found) / len(needles) if needles else 0.0)


def evaluate(library: Library, judged: JudgedSet, name: str, options: QueryOptions) -> Report:
    report = Report(name, options)
    for judgment in judged.queries:
        request = SearchRequest(judgment.q, size=CUTOFF, filters=Filters(on_topic_only=False),
                                collapse=False, options=options)
        texts = [hit.text for hit in search(library, request).hits]
        report.per_query[judgment.q] = score_ranking(texts, judgment.relevant)
    return report


def evaluate_all(library: Library, judged: JudgedSet) -> list[Report]:
    check_judgments(library, judged)
    return [evaluate(library, judged, name, options) for name, options in CONFIGURATIONS.items()]
