"""Query expansion with the related terms learned from the corpus (index/store/related_terms.py).

Where feedback (feedback.py) reads the passages this query found first, related terms come from the whole corpus:
the words that share clauses with the user's words across documents. A word related to several of the query's
words is a better hint than one related to a single word, so each candidate scores the sum of its associations.
The added words count below a synonym (a synonym is an equivalence, a related word only a hint) and below the
words the user typed; search.py ranks passages found only through added words after those holding the user's own.
"""
from __future__ import annotations

from collections import Counter

from index.results.feedback import Expansion
from index.store.related_terms import related_terms
from index.store.store import Store

RELATED_TERMS = 6  # words added to a query
RELATED_WEIGHT = 0.2  # the strongest added word counts this much of a typed word (a synonym counts 0.6)
MIN_SOURCES = 2  # query words a candidate must be related to (when that many query words have related terms)


def related_expansion(store: Store, words: list[str], typed: set[str]) -> list[Expansion]:
    """The related terms of the query's `words` worth adding, strongest first; `typed`: words already in the
    query (the user's and their synonyms), never added again, nor their pieces or the words holding them."""
    scores: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    found = related_terms(store, words)
    for relations in found.values():
        for relation in relations:
            if not any(relation.related in word or word in relation.related for word in typed):
                scores[relation.related] += relation.score
                sources[relation.related] += 1
    needed = min(MIN_SOURCES, len(found))
    scores = Counter({word: score for word, score in scores.items() if sources[word] >= needed})
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:RELATED_TERMS]
    if not best:
        return []
    top = best[0][1]
    return [Expansion(word, RELATED_WEIGHT * score / top) for word, score in best]
