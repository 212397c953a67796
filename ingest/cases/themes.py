"""Themes of a case from the taxonomy in `data/themes.txt` (党组织建设, 业委会建设, 老旧小区, …).

Keyword counting, so a reader can see why a theme was given: at least `MIN_HITS` keyword uses in the case text,
or one in a practice name; the `MAX_THEMES` the case says most about.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "themes.txt"
MIN_HITS = 2
MAX_THEMES = 5


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, tuple[str, ...]]:
    themes: dict[str, tuple[str, ...]] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, words = line.split("\t", 1)
        themes[name.strip()] = tuple(word.strip() for word in words.split(",") if word.strip())
    return themes


def find_themes(text: str, practices: list[str]) -> list[str]:
    """Themes ordered by how much the case says about them."""
    scored = []
    # A word is in some practice name exactly when it is in their join: no word holds the separator.
    names = "\n".join(practices)
    for theme, words in taxonomy().items():
        hits = sum(map(text.count, words))  # map: str.count called from C, no generator frame per word
        named = any(map(names.__contains__, words))
        if hits >= MIN_HITS or named:
            scored.append((hits + (MIN_HITS if named else 0), theme))
    return [theme for _, theme in sorted(scored, key=lambda item: -item[0])][:MAX_THEMES]
