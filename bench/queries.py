"""The fixed mixed query set: single terms, multi-word ANDs, phrases, filters, date sort; facets on every query.

Half of it is fixed domain vocabulary (what users of this material type), half drawn by seed from the seed
corpus's own nouns and verbs, plus place filters drawn from the places the generated corpus names.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from bench.corpus import vocabulary

DOMAIN_TERMS = ("物业", "红色物业", "业主委员会", "党建引领", "小区", "社区", "物业服务企业", "基层治理")
DOMAIN_PHRASES = ("物业服务企业", "基层治理", "党组织", "老旧小区")
SAMPLED_TERMS = 8
SAMPLED_PAIRS = 4
SAMPLED_POS = ("n", "vn", "v")


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    doc_type: str | None = None
    place: str | None = None
    sort: str = "relevance"

    @property
    def text(self) -> str:
        """The query in redprop's syntax."""
        parts = list(self.words) + [f'"{phrase}"' for phrase in self.phrases]
        if self.doc_type:
            parts.append(f"type:{self.doc_type}")
        if self.place:
            parts.append(f"place:{self.place}")
        return " ".join(parts)


def query_set(seed: int, places: Sequence[str] = ()) -> list[BenchQuery]:
    rng = random.Random(f"queries:{seed}")
    seed_words = sorted({word for sentence in vocabulary().sentences for word, pos in sentence
                         if pos in SAMPLED_POS and len(word) >= 2})
    sampled = rng.sample(seed_words, SAMPLED_TERMS + 2 * SAMPLED_PAIRS)
    queries = [BenchQuery("term", (word,)) for word in DOMAIN_TERMS]
    queries += [BenchQuery("term", (word,)) for word in sampled[:SAMPLED_TERMS]]
    pairs = sampled[SAMPLED_TERMS:]
    queries += [BenchQuery("and", (pairs[2 * i], pairs[2 * i + 1])) for i in range(SAMPLED_PAIRS)]
    queries += [BenchQuery("phrase", phrases=(phrase,)) for phrase in DOMAIN_PHRASES]
    queries += [BenchQuery("filter", ("物业",), doc_type="policy"), BenchQuery("filter", ("社区",), doc_type="news")]
    queries += [BenchQuery("filter", ("物业",), place=place) for place in rng.sample(sorted(places), min(3, len(places)))]
    queries += [BenchQuery("sort", ("小区",), sort="date"), BenchQuery("sort", ("党建",), sort="date")]
    return queries
