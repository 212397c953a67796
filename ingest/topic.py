"""Is an article about the red-property domain? An explainable weighted term count with a threshold.

Pages mix domain articles with unrelated ones (a media tour, photo captions from an exhibition); those stay
searchable but carry on_topic=False so users can filter them out. The terms and weights are a data file.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.text.fold import fold

TOPIC_TERMS_FILE = Path(__file__).parent / "data" / "topic_terms.txt"
# Repeating one word does not make a text more on topic than naming several of the domain's things.
TERM_CAP = 3
# Weighted hits needed: a base, plus more for longer texts, so a one-line notice about 业委会 is on topic
# while a long travel story that mentions 居民 and 街道 in passing is not. Seed articles on the domain score
# 19-132 against the 5-11 they need; the unrelated ones score 0.
BASE_THRESHOLD = 2
THRESHOLD_PER_1000_CHARS = 3
# Weight-1 words (社区, 居民, 街道) support the topic but cannot establish it on their own.
ESTABLISHING_WEIGHT = 2


@dataclass(frozen=True)
class TopicScore:
    score: int
    needed: float
    hits: dict[str, int]  # term → times counted (capped)
    established: bool  # some term of weight ESTABLISHING_WEIGHT or more was found

    @property
    def on_topic(self) -> bool:
        return self.established and self.score >= self.needed


@lru_cache(maxsize=1)
def topic_terms() -> dict[str, int]:
    terms = {}
    for line in TOPIC_TERMS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            term, weight = line.split()
            terms[fold(term)] = int(weight)
    return terms


def topic_score(text: str, folded: bool = False) -> TopicScore:
    """`folded=True` when the caller already folded the text (saves a pass over a long document)."""
    folded_text = text if folded else fold(text)
    hits = {}
    for term in topic_terms():
        count = min(folded_text.count(term), TERM_CAP)
        if count:
            hits[term] = count
    needed = BASE_THRESHOLD + THRESHOLD_PER_1000_CHARS * len(text) / 1000
    established = any(topic_terms()[term] >= ESTABLISHING_WEIGHT for term in hits)
    return TopicScore(sum(topic_terms()[term] * count for term, count in hits.items()), needed, hits, established)


def on_topic(text: str, folded: bool = False) -> bool:
    return topic_score(text, folded).on_topic
