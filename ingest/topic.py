"""Is an article about the red-property domain? An explainable weighted term count with a threshold.

Pages mix domain articles with unrelated ones (a media tour, photo captions from an exhibition); those stay
searchable but carry on_topic=False so users can filter them out. The terms and weights are a data file.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.fold import fold

TOPIC_TERMS_FILE = Path(__file__).parent / "data" / "topic_terms.txt"
# Repeating one word does not make a text more on topic than naming several of the domain's things.
TERM_CAP = 3
# Weighted hits needed: e.g. 物业 three times (9), or 小区 + 业主 + 社区 (6).
ON_TOPIC_THRESHOLD = 6


@dataclass(frozen=True)
class TopicScore:
    score: int
    hits: dict[str, int]  # term → times counted (capped)

    @property
    def on_topic(self) -> bool:
        return self.score >= ON_TOPIC_THRESHOLD


@lru_cache(maxsize=1)
def topic_terms() -> dict[str, int]:
    terms = {}
    for line in TOPIC_TERMS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            term, weight = line.split()
            terms[fold(term)] = int(weight)
    return terms


def topic_score(text: str) -> TopicScore:
    folded = fold(text)
    hits = {}
    for term in topic_terms():
        count = min(folded.count(term), TERM_CAP)
        if count:
            hits[term] = count
    return TopicScore(sum(topic_terms()[term] * count for term, count in hits.items()), hits)


def on_topic(text: str) -> bool:
    return topic_score(text).on_topic
