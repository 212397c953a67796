"""A stored document shaped for reading: sections under their headings, a clause outline, marked query words.

Everything taken from the document is HTML-escaped here or by the template; the only markup added is <mark>.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup

from index.analysis import stopwords
from index.query.syntax import QuerySyntaxError, parse_query
from index.results.snippets import highlight
from ingest.text.segmenter import segmenter

if TYPE_CHECKING:  # jieba.analyse loads its idf table on import (0.4 s): only when keywords are wanted
    from jieba.analyse import TFIDF

SIMILAR_TERMS = 4  # key words of a passage that make its "similar passages" query


@dataclass
class PassageView:
    passage_id: str
    ordinal: int
    clause: str | None  # shown as a label only when the text does not begin with it
    html: Markup  # escaped text with query matches in <mark>


@dataclass
class Section:
    heading: str | None
    chapter: str | None
    passages: list[PassageView] = field(default_factory=list)


@dataclass
class OutlineChapter:
    chapter: str | None
    clauses: list[tuple[str, str]] = field(default_factory=list)  # (clause label, passage_id)


def highlight_words(query: str) -> list[str]:
    """What to mark in a document opened from a search: what the search itself highlights for the query."""
    try:
        return parse_query(query).highlights if query.strip() else []
    except QuerySyntaxError:
        return []


@lru_cache(maxsize=1)
def _keywords() -> TFIDF:
    """jieba's TF-IDF keyword extractor, segmenting with the project's dictionary and stop words."""
    from jieba.analyse import TFIDF

    extractor = TFIDF()
    extractor.tokenizer = segmenter()
    extractor.stop_words = extractor.stop_words | set(stopwords())
    return extractor


def similar_query(text: str) -> str:
    """A search for passages like this one: its most characteristic words, any of them."""
    terms = [term for term in _keywords().extract_tags(text, topK=SIMILAR_TERMS) if not term.isdigit()]
    return " OR ".join(terms)


def sections(passages: list[dict], marks: list[str]) -> list[Section]:
    """Consecutive passages under the same heading (and chapter) grouped, so each heading shows once."""
    grouped: list[Section] = []
    for passage in passages:
        if not grouped or (grouped[-1].heading, grouped[-1].chapter) != (passage["heading"], passage["chapter"]):
            grouped.append(Section(passage["heading"], passage["chapter"]))
        grouped[-1].passages.append(PassageView(
            passage["passage_id"], passage["ordinal"],
            None if not passage["clause"] or passage["text"].startswith(passage["clause"]) else passage["clause"],
            Markup(highlight(passage["text"], marks)),
        ))
    return grouped


def outline(passages: list[dict]) -> list[OutlineChapter]:
    """Chapters and their clauses (第N条), for policy documents; empty when the document has no clauses."""
    chapters: list[OutlineChapter] = []
    seen: set[str] = set()
    for passage in passages:
        clause = passage["clause"]
        if not clause or clause in seen:
            continue
        seen.add(clause)
        if not chapters or chapters[-1].chapter != passage["chapter"]:
            chapters.append(OutlineChapter(passage["chapter"]))
        chapters[-1].clauses.append((clause, passage["passage_id"]))
    return chapters
