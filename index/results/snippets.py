"""Snippets: the best window of a passage around the query's matches, HTML-escaped, matches in <mark>.

Matching is by substring on folded text (same length as the original), so highlights land on the original
characters whatever the width or script the passage was written in.
"""
from __future__ import annotations

import html

from ingest.text.fold import fold

SNIPPET_CHARS = 160
BOUNDARIES = "。!?!?;;\n"
SOFT_BOUNDARIES = ",,、::"


def match_spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    for needle in {fold(n) for n in needles if n and n.strip()}:
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    return merge(spans)


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    out, cursor = [], 0
    for start, end in spans:
        start, end = max(start - offset, 0), min(end - offset, len(text))
        if end <= start or start < cursor:
            continue
        out += [html.escape(text[cursor:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def highlight(text: str, needles: list[str]) -> str:
    """The whole text, escaped, with every match marked."""
    return mark(text, match_spans(text, needles))


def snippet(text: str, needles: list[str], width: int = SNIPPET_CHARS) -> str:
    spans = match_spans(text, needles)
    if len(text) <= width:
        return mark(text, spans)
    start, end = _window(text, spans, width)
    inside = [(a, b) for a, b in spans if a >= start and b <= end]
    body = mark(text[start:end], inside, start)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The window holding the most matches, its edges moved to sentence (else clause) boundaries nearby."""
    first, last = _densest(spans, width)
    start = max(0, first - width // 4)
    if start > 0:
        start = _boundary_before(text, start, first)
    end = min(len(text), max(start + width, last))
    if end < len(text):
        end = _boundary_after(text, max(last, start + width // 2), end)
    return start, end


def _densest(spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """First start and last end of the run of matches that fits in 3/4 of a window (earliest on ties)."""
    if not spans:
        return 0, 0
    best = (spans[0][0], spans[0][1], 1)
    for i, (anchor, _) in enumerate(spans):
        inside = [(a, b) for a, b in spans[i:] if b <= anchor + width * 3 // 4]
        if len(inside) > best[2]:
            best = (anchor, inside[-1][1], len(inside))
    return best[0], best[1]


def _boundary_before(text: str, start: int, limit: int) -> int:
    for marks in (BOUNDARIES, SOFT_BOUNDARIES):
        cut = max(text.rfind(ch, max(0, start - 30), limit) for ch in marks)
        if cut != -1:
            return cut + 1
    return start


def _boundary_after(text: str, lower: int, end: int) -> int:
    for marks in (BOUNDARIES, SOFT_BOUNDARIES):
        cut = max(text.rfind(ch, lower, end) for ch in marks)
        if cut != -1:
            return cut + 1
    return end
