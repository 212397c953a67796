"""Pseudo-relevance feedback (RM3-style): the words the best first-pass passages share, added to the query below
the user's own words.

A user asks with their words (工资, 资格); a regulation answers with its own (工作补贴, 应当具备下列条件). The
passages that rank first for the user's words usually are about the topic, and the words they have in common
with each other — weighted by how well each passage scored, and by how rare the word is in the whole index — are
the corpus's words for it. Those words, each weighted below the weakest word the user typed, find the passages that
answer without repeating the question's wording, and lift the ones that say more of the topic.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from index.analysis import is_cjk, stopwords
from ingest.text.fold import fold
from ingest.text.segmenter import segmenter

FEEDBACK_PASSAGES = 12  # first-pass passages read (tuned on the dev halves: 5, 8, 12, 16)
FEEDBACK_TERMS = 8  # words added to the query
FEEDBACK_WEIGHT = 0.3  # the strongest added word counts this much of a typed word (RM3's 1 − λ, roughly)
FEEDBACK_MASS = 0.6
MIN_PASSAGES = 2  # a word must occur in this many of the passages read: one passage's idiosyncrasy is no topic
MIN_LENGTH = 2  # one-character words are too ambiguous to add
FEEDBACK_CHARS = 400  # of each passage read: a long clause's opening says its topic, and reading costs time


@dataclass(frozen=True)
class Expansion:
    word: str
    weight: float  # boost relative to a typed word, at most FEEDBACK_WEIGHT


@lru_cache(maxsize=4096)  # a question's next page, or a related question, reads the same passages again
def candidate_words(text: str) -> tuple[str, ...]:
    """The words of a passage worth adding: words of two or more Chinese characters, no stop words.

    Read fast (dictionary words only, no HMM guesses and no sub-words: an added word must be an indexed one anyway)
    and from the passage's opening only, since this runs on every question."""
    return tuple(word for word in segmenter().lcut(fold(text[:FEEDBACK_CHARS]), HMM=False)
                 if len(word) >= MIN_LENGTH and all(map(is_cjk, word)) and word not in stopwords())


def expansion_words(passages: list[tuple[str, float]], typed: set[str], document_frequency, total: int
                    ) -> list[Expansion]:
    """RM3's relevance model over the first-pass passages (text, score): Σ_d P(d) · P(w|d), times the word's
    idf so that words every passage of the corpus has (物业, 管理) do not take the places.

    `typed`: the query's words and their synonyms (already in the query); `document_frequency(word)`: passages
    holding the word in the whole index; `total`: passages in the index."""
    scored = [(candidate_words(text), score) for text, score in passages if score > 0]
    scored = [(words, score) for words, score in scored if words]
    if len(scored) < MIN_PASSAGES:
        return []
    mass = sum(score for _, score in scored)
    relevance: Counter[str] = Counter()
    seen_in: Counter[str] = Counter()
    for words, score in scored:
        counts = Counter(words)
        for word, count in counts.items():
            relevance[word] += (score / mass) * count / len(words)
        seen_in.update(counts.keys())
    weights = {}
    for word, value in relevance.items():
        if word in typed or seen_in[word] < MIN_PASSAGES:
            continue
        frequency = document_frequency(word)
        if not frequency:
            continue
        weights[word] = value * math.log(1 + total / frequency)
    best = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:FEEDBACK_TERMS]
    if not best:
        return []
    top = best[0][1]
    scale = min(FEEDBACK_WEIGHT / top, FEEDBACK_MASS / sum(weight for _, weight in best))
    return [Expansion(word, scale * weight) for word, weight in best]
