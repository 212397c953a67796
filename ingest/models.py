"""Typed records that flow through ingestion: parsed blocks → articles → documents with passages.

No I/O here: parsers build `RawDocument`s, the pipeline stages turn them into `Document`s.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.regulation import RegulationInfo

from ingest.text.names import shown, stored


class DocType(StrEnum):
    NEWS = "news"
    POLICY = "policy"
    OTHER = "other"


class PolicySubtype(StrEnum):
    NOTICE = "notice"  # 通知, 意见, 决定, 公告: an office tells others what to do
    PLAN = "plan"  # 方案, 规划, 计划, 纲要: goals and steps over a period
    REGULATION = "regulation"  # 条例, 办法, 规定, 细则: rules in 章/条


class PassageKind(StrEnum):
    """What a passage is; everything but TEXT is page furniture: searchable, ranked lower, never a case."""

    TEXT = "text"
    CAPTION = "caption"
    BYLINE = "byline"
    FURNITURE = "furniture"  # timestamps, source and editor lines, navigation, app blurbs


class BlockKind(StrEnum):
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CAPTION = "caption"


@dataclass
class Block:
    """One visual unit of a parsed file: a line group, an HTML <p>, a DOCX paragraph."""

    text: str
    kind: BlockKind = BlockKind.PARAGRAPH
    level: int = 0  # heading level where the format knows it (h1=1, DOCX "Heading 2"=2)


@dataclass
class RawDocument:
    """What a parser read from a file, before cleaning and structuring.

    A file may hold several (a JSONL dump, an HTML page with several articles).
    Metadata here is only what the format itself states (HTML <meta>, DOCX core properties, JSONL fields).
    """

    source: str  # the file name shown to users
    path: str
    blocks: list[Block]
    fmt: str
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    url: str | None = None
    record: int | None = None
    date_source: str | None = None  # where `date` came from: "meta" (a <meta>/<time>, a JSONL field) or "line"  # line number for JSONL records, article index for multi-article pages

    def __post_init__(self) -> None:  # a name that is not UTF-8 (GBK from a Windows zip) must still store and show
        self.source = shown(self.source)
        self.path = stored(self.path)


@dataclass
class Passage:
    passage_id: str
    ordinal: int
    text: str
    heading: str | None = None
    clause: str | None = None  # "第十二条" for policy documents
    chapter: str | None = None  # "第三章 业主大会和业主委员会"
    kind: PassageKind = PassageKind.TEXT


@dataclass
class Document:
    doc_id: str
    source: str
    path: str
    title: str
    doc_type: DocType
    passages: list[Passage]
    date: str | None = None
    date_inferred: bool = False
    places: list[str] = field(default_factory=list)
    on_topic: bool = True
    byline: str | None = None
    publisher: str | None = None
    url: str | None = None
    captions: list[str] = field(default_factory=list)
    canonical_id: str | None = None  # set when this document is a near-duplicate of another
    topic: str = "red-property"  # ingest.topic.LABELS; on_topic == (topic == "red-property")
    topic_score: float = 1.0
    date_source: str | None = None  # ingest.dates.DATE_SOURCES: where `date` was read
    policy_subtype: PolicySubtype | None = None
    place_evidence: list[dict] = field(default_factory=list)  # ingest.places.place_evidence: why each place
    regulation: RegulationInfo | None = None  # issuer, level, history dates (ingest/regulation.py), policy only

    @property
    def text_passages(self) -> list[Passage]:
        """The article's own text, without captions, bylines and page furniture (what cases are built from)."""
        return [p for p in self.passages if p.kind == PassageKind.TEXT]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["doc_type"] = str(self.doc_type)
        data["policy_subtype"] = str(self.policy_subtype) if self.policy_subtype else None
        for passage in data["passages"]:
            passage["kind"] = str(passage["kind"])
        return data

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.text_passages)


def content_id(*parts: str, length: int = 16) -> str:
    """A stable id from normalized content, so re-ingesting the same text yields the same id."""
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:length]


def passage_id(doc_id: str, ordinal: int) -> str:
    return f"{doc_id}-{ordinal:04d}"
