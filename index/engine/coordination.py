"""An OR of query words whose score is scaled by the share of the words a passage contains.

Whoosh's own `Or(scale=...)` counts matching *terms* (every field and synonym alternative counts) and adds a tiny
bonus; for a question we want the classic coordination factor over *words*: a passage with two of three words
scores 2/3 of its sum, one with all three keeps its full score, so the passage that answers more of the question
ranks first while a passage missing one word is still found.
"""
from __future__ import annotations

from whoosh import query as q
from whoosh.matching import Matcher, NoQualityAvailable, NullMatcher, ReadTooFar

COORDINATION_POWER = 1.0  # factor = (matched words / all words) ** power


class CoordinatedOr(q.CompoundQuery):
    """Not a subclass of Or: Or.normalize() would merge it into an enclosing Or and lose the coordination."""

    JOINT = " cOR "
    intersect_merge = False

    def requires(self):
        return self.subqueries[0].requires() if len(self.subqueries) == 1 else set()

    def _matcher(self, subs, searcher, context):
        parts = [sub.matcher(searcher, context) for sub in subs]
        return CoordinationMatcher([part for part in parts if part.is_active()], len(parts), self.boost)


class CoordinationMatcher(Matcher):
    """An n-way union that knows which of its parts match the current document."""

    def __init__(self, parts: list[Matcher], count: int, boost: float = 1.0):
        self._parts = parts
        self._count = count
        self._boost = boost

    def __repr__(self):
        return f"CoordinationMatcher({self._parts!r}, {self._count})"

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
        current = self.id()
        return [part for part in self._active() if part.id() == current]

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
        return CoordinationMatcher([part.copy() for part in self._parts], self._count, self._boost)

    def replace(self, minquality=0):
        active = [part.replace() for part in self._parts if part.is_active()]
        active = [part for part in active if part.is_active()]
        if not active:
            return NullMatcher()
        return CoordinationMatcher(active, self._count, self._boost)

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
        current = self._current()
        factor = (len(current) / self._count) ** COORDINATION_POWER
        return self._boost * factor * sum(part.score() for part in current)
