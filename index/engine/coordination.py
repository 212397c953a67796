"""An OR of query words whose score is scaled by the share of the words a passage contains.

Whoosh's own `Or(scale=...)` counts matching *terms* (every field and synonym alternative counts) and adds a tiny
bonus; for a question we want the classic coordination factor over *words*: a passage with all the words keeps
its full score, one missing some is scaled by the share of the question it holds, so the passage that answers
more of the question ranks first while a passage missing one word is still found.

Each word's share is its idf (bm25f.py `word_idf`), not 1/n: in 公共收益归谁所有 the rare 公共收益 is the question,
所有 is in every clause on ownership, and counted alike the clauses holding only 所有
outranked the clauses on 公共收益. Weighted by rarity, the policy samples' dev passage recall@10 went 0.556 → 0.572.
"""
from __future__ import annotations

from whoosh import query as q
from whoosh.matching import Matcher, NoQualityAvailable, NullMatcher, ReadTooFar

from index.engine.bm25f import FieldedTerm, word_idf

COORDINATION_POWER = 1.0  # factor = (idf of the matched words / idf of all words) ** power


class CoordinatedOr(q.CompoundQuery):
    """Not a subclass of Or: Or.normalize() would merge it into an enclosing Or and lose the coordination."""

    JOINT = " cOR "
    intersect_merge = False

    def requires(self):
        return self.subqueries[0].requires() if len(self.subqueries) == 1 else set()

    def _matcher(self, subs, searcher, context):
        weights = [part_weight(sub, searcher) for sub in subs]
        parts = [(sub.matcher(searcher, context), weight) for sub, weight in zip(subs, weights, strict=True)]
        active = [(part, weight) for part, weight in parts if part.is_active()]
        return CoordinationMatcher([part for part, _ in active], [weight for _, weight in active], sum(weights),
                                   self.boost)


def part_weight(query: q.Query, searcher) -> float:
    """How much of the question a part stands for: the idf of its word (its first FieldedTerm), so a passage
    holding the question's rare word counts as answering more of it than one holding only its common word."""
    stack = [query]
    while stack:
        node = stack.pop(0)
        if isinstance(node, FieldedTerm):
            parent = searcher.get_parent()
            return min(word_idf(parent, node.fieldnames, text) for text, _ in node.terms_weights)
        stack.extend(node.children())
    return 1.0


class CoordinationMatcher(Matcher):
    """An n-way union that knows which of its parts match the current document."""

    def __init__(self, parts: list[Matcher], weights: list[float], total: float, boost: float = 1.0):
        self._parts = parts
        self._weights = weights
        self._total = total
        self._boost = boost

    def __repr__(self):
        return f"CoordinationMatcher({self._parts!r}, {self._weights!r}, {self._total})"

    def is_active(self):
        return any(part.is_active() for part in self._parts)

    def _active(self) -> list[Matcher]:
        return [part for part in self._parts if part.is_active()]

    def id(self):
        active = self._active()
        if not active:
            raise ReadTooFar
        return min(part.id() for part in active)

    def _current(self) -> list[Matcher]:
        return [part for part, _ in self._matched()]

    def _matched(self) -> list[tuple[Matcher, float]]:
        """The parts on the current document, with their weights."""
        current = self.id()
        return [(part, weight) for part, weight in zip(self._parts, self._weights, strict=True)
                if part.is_active() and part.id() == current]

    def next(self):
        moved = False
        for part in self._current():
            moved = bool(part.next()) or moved
        return moved

    def skip_to(self, id):
        moved = False
        for part in self._active():
            if part.id() < id:
                moved = bool(part.skip_to(id)) or moved
        return moved

    def reset(self):
        for part in self._parts:
            part.reset()

    def copy(self):
        return CoordinationMatcher([part.copy() for part in self._parts], self._weights, self._total, self._boost)

    def replace(self, minquality=0):
        active = [(part.replace(), weight) for part, weight in zip(self._parts, self._weights, strict=True)
                  if part.is_active()]
        active = [(part, weight) for part, weight in active if part.is_active()]
        if not active:
            return NullMatcher()
        return CoordinationMatcher([part for part, _ in active], [weight for _, weight in active], self._total,
                                   self._boost)

    def children(self):
        return list(self._parts)

    def supports_block_quality(self):
        return False

    def max_quality(self):
        """An upper bound for pruning by enclosing matchers (the factor is at most 1)."""
        try:
            return self._boost * sum(part.max_quality() for part in self._active())
        except NoQualityAvailable:
            return float("inf")

    def supports(self, astype):
        return False

    def weight(self):
        return sum(part.weight() for part in self._current())

    def score(self):
        matched = self._matched()
        factor = (sum(weight for _, weight in matched) / self._total) ** COORDINATION_POWER
        return self._boost * factor * sum(part.score() for part, _ in matched)
