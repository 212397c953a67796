"""Filters that narrow a result without changing its ranking: place, year or date range, type, source, topic.

They come from the query text (place:湖州) and from API/CLI parameters alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.engine import nodes as q
from ingest.text.fold import fold

DOC_TYPE_ALIASES = {"新闻": "news", "报道": "news", "政策": "policy", "法规": "policy", "其他": "other"}
TOPIC_ALIASES = {"红色物业": "red-property", "物业行业": "property-industry", "其他党建": "party-building-other",
                 "无关": "unrelated"}
YEAR = re.compile(r"\d{4}")
YEAR_RANGE = re.compile(r"(\d{4})(?:-|~|\.\.)(\d{4})")
DATE = re.compile(r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?")


class QuerySyntaxError(ValueError):
    """A query a user typed that we cannot read; the message says what to fix (in Chinese)."""


@dataclass
class Filters:
    places: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    doc_types: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    on_topic_only: bool = True
    topics: list[str] = field(default_factory=list)  # ingest.topic.LABELS; when given, on_topic_only is moot
    # Only these documents: a filter on stored metadata the index lacks (regulation level, issuer), resolved
    # against the store by the caller (index/compare/regulations.py: regulation_doc_ids).
    doc_ids: list[str] | None = None

    def narrows(self) -> bool:
        """Whether the user asked for a subset (the topic switch alone does not count)."""
        return bool(self.places or self.years or self.doc_types or self.sources or self.date_from or self.date_to
                    or self.topics or self.doc_ids is not None)

    def to_query(self) -> q.Query | None:
        parts: list[q.Query] = []
        if self.places:
            parts.append(q.Or([q.Prefix("places", fold(place)) for place in self.places]))
        if self.years:
            parts.append(q.Or([_year_query(year) for year in self.years]))
        if self.doc_types:
            parts.append(q.Or([q.Term("doc_type", DOC_TYPE_ALIASES.get(t, t)) for t in self.doc_types]))
        if self.sources:
            parts.append(q.Or([q.Term("source", source) for source in self.sources]))
        if self.date_from or self.date_to:
            low = normalize_date(self.date_from) if self.date_from else None
            high = normalize_date(self.date_to) + "\uffff" if self.date_to else None
            parts.append(q.TermRange("date", low or "0", high))
        if self.doc_ids is not None:
            parts.append(q.Or([q.Term("doc_id", doc_id) for doc_id in self.doc_ids]) if self.doc_ids else q.NullQuery)
        if self.topics:
            parts.append(q.Or([q.Term("topic", TOPIC_ALIASES.get(topic, topic)) for topic in self.topics]))
        elif self.on_topic_only:
            parts.append(q.Term("on_topic", True))
        return q.And(parts) if parts else None


def normalize_date(value: str) -> str:
    """2023, 2023-6 or 2023-06-01 → zero-padded ISO prefix; the index stores dates as YYYY-MM-DD."""
    value = value.strip()
    if not DATE.fullmatch(value):
        raise QuerySyntaxError(f"日期格式应为 2023、2023-06 或 2023-06-01(收到 {value})")
    head, *rest = value.split("-")
    return "-".join([head, *(part.zfill(2) for part in rest)])


def check_topic(value: str) -> str:
    if TOPIC_ALIASES.get(value, value) not in TOPIC_ALIASES.values():
        raise QuerySyntaxError(f"topic: 应为 {'、'.join(TOPIC_ALIASES.values())} 之一(或 {'、'.join(TOPIC_ALIASES)}),收到 {value}")
    return value


def check_year(value: str) -> str:
    if not (YEAR.fullmatch(value) or YEAR_RANGE.fullmatch(value)):
        raise QuerySyntaxError(f"year: 需要四位年份或年份范围,例如 year:2023 或 year:2020-2023(收到 {value})")
    return value


def _year_query(year: str) -> q.Query:
    span = YEAR_RANGE.fullmatch(year)
    if span:
        return q.TermRange("year", span.group(1), span.group(2))
    return q.Term("year", year)


