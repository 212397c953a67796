"""User query text → a Whoosh query, filters and the strings to highlight.

Syntax: words separated by spaces are ANDed; "quoted phrases" match exactly; OR between two parts; NOT or a
leading - excludes; field filters place:威海 type:policy year:2023 source:文件名 narrow the result.
Each word matches as a word in title, headings or body, or - ranked lower - as a character substring
(the fallback that finds names jieba does not know).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as q

from index.analysis import analyze, gram_phrase, query_words
from ingest.fold import fold

WORD_FIELDS = ("title", "heading", "body")
FILTER_ALIASES = {
    "place": "place", "地区": "place", "地点": "place",
    "type": "type", "类型": "type",
    "year": "year", "年份": "year",
    "source": "source", "来源": "source",
}
DOC_TYPE_ALIASES = {"新闻": "news", "报道": "news", "政策": "policy", "法规": "policy", "其他": "other"}
TOKEN = re.compile(r'"([^"]*)"|“([^”]*)”|(\S+)')


class QuerySyntaxError(ValueError):
    """A query a user typed that we cannot read; the message says what to fix (in Chinese)."""


@dataclass
class Filters:
    places: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    doc_types: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    on_topic_only: bool = False

    def to_query(self) -> q.Query | None:
        parts: list[q.Query] = []
        if self.places:
            parts.append(q.Or([q.Prefix("places", fold(place)) for place in self.places]))
        if self.years:
            parts.append(q.Or([q.Term("year", year) for year in self.years]))
        if self.doc_types:
            parts.append(q.Or([q.Term("doc_type", DOC_TYPE_ALIASES.get(t, t)) for t in self.doc_types]))
        if self.sources:
            parts.append(q.Or([q.Term("source", source) for source in self.sources]))
        if self.on_topic_only:
            parts.append(q.Term("on_topic", True))
        return q.And(parts) if parts else None


@dataclass
class ParsedQuery:
    query: q.Query | None
    filters: Filters
    highlights: list[str]


def word_query(word: str) -> q.Query:
    """One analysed word: as a word in any text field, or as a substring in the gram field."""
    options: list[q.Query] = [q.Term(name, word) for name in WORD_FIELDS]
    bigrams = gram_phrase(word)
    if len(bigrams) == 1:
        options.append(q.Term("grams", bigrams[0]))
    elif bigrams:
        options.append(q.Phrase("grams", bigrams))
    return q.Or(options)


def text_query(text: str) -> tuple[q.Query | None, list[str]]:
    words = query_words(text)
    if not words:
        return None, []
    return (word_query(words[0]) if len(words) == 1 else q.And([word_query(w) for w in words])), words


def phrase_query(text: str) -> tuple[q.Query | None, list[str]]:
    folded = fold(text).strip()
    if not folded:
        return None, []
    words = [term.text for term in analyze(folded, folded=True) if term.main]
    options: list[q.Query] = []
    if len(words) > 1:
        options += [q.Phrase(name, words) for name in WORD_FIELDS]
    elif words:
        options += [q.Term(name, words[0]) for name in WORD_FIELDS]
    bigrams = gram_phrase(folded)
    if bigrams:
        options.append(q.Phrase("grams", bigrams) if len(bigrams) > 1 else q.Term("grams", bigrams[0]))
    return (q.Or(options) if options else None), [folded]


def parse_query(text: str, filters: Filters | None = None) -> ParsedQuery:
    filters = filters or Filters()
    clauses: list[list[q.Query]] = [[]]  # OR of ANDs
    highlights: list[str] = []
    negate = False
    for match in TOKEN.finditer(text or ""):
        phrase = match.group(1) if match.group(1) is not None else match.group(2)
        word = match.group(3)
        if phrase is None and word in ("AND", "&&"):
            continue
        if phrase is None and word in ("OR", "||", "或"):
            clauses.append([])
            continue
        if phrase is None and word in ("NOT", "非"):
            negate = True
            continue
        if phrase is None and word.startswith("-") and len(word) > 1:
            negate, word = True, word[1:]
        if phrase is None and ":" in word.replace(":", ":"):
            name, _, value = word.replace(":", ":").partition(":")
            if name.lower() in FILTER_ALIASES:
                if not value:
                    raise QuerySyntaxError(f"筛选条件 {name}: 后面缺少取值,例如 place:威海")
                _add_filter(filters, FILTER_ALIASES[name.lower()], value)
                continue
        built, marks = phrase_query(phrase) if phrase is not None else text_query(word)
        if built is None:
            negate = False
            continue
        if negate:
            clauses[-1].append(q.Not(built))
        else:
            clauses[-1].append(built)
            highlights += marks
        negate = False
    groups = [group for group in clauses if group]
    if not groups:
        return ParsedQuery(None, filters, highlights)
    if any(all(isinstance(part, q.Not) for part in group) for group in groups):
        raise QuerySyntaxError("查询不能只有排除条件(NOT/-),请再给出要查找的词")
    ands = [group[0] if len(group) == 1 else q.And(group) for group in groups]
    return ParsedQuery(ands[0] if len(ands) == 1 else q.Or(ands), filters, highlights)


def _add_filter(filters: Filters, name: str, value: str) -> None:
    if name == "place":
        filters.places.append(value)
    elif name == "year":
        if not re.fullmatch(r"\d{4}", value):
            raise QuerySyntaxError(f"year: 需要四位年份,例如 year:2023(收到 {value})")
        filters.years.append(value)
    elif name == "type":
        filters.doc_types.append(value)
    elif name == "source":
        filters.sources.append(value)
