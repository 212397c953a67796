"""RawDocument → Documents: the ordered stages after parsing.

clean blocks → split into articles → build each article's passages and metadata → Document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.fold import fold
from ingest.models import Block, BlockKind, DocType, Document, Passage, RawDocument, content_id, passage_id

MAX_TITLE_CHARS = 60
SENTENCE_END = "。!?!?;;…"
CLAUSE = re.compile(r"^\s*(第[一二三四五六七八九十百零〇两\d]+条)[\s\u3000]*")


@dataclass
class Article:
    """One article of a page (or the whole file): its own title and body blocks."""

    title: str | None
    blocks: list[Block]
    byline: str | None = None
    date: str | None = None
    captions: list[str] = field(default_factory=list)


def split_articles(raw: RawDocument, blocks: list[Block]) -> list[Article]:
    title = raw.title
    body = list(blocks)
    if title is None and body and _looks_like_title(body[0]):
        title = body.pop(0).text
    return [Article(title=title, blocks=body, date=raw.date)]


def _looks_like_title(block: Block) -> bool:
    if block.kind in (BlockKind.TITLE, BlockKind.HEADING):
        return True
    return len(block.text) <= MAX_TITLE_CHARS and block.text[-1] not in SENTENCE_END


def passages_of(doc_id: str, blocks: list[Block]) -> list[Passage]:
    passages: list[Passage] = []
    heading = None
    for block in blocks:
        if block.kind in (BlockKind.HEADING, BlockKind.TITLE):
            heading = block.text
            continue
        if block.kind == BlockKind.CAPTION:
            continue
        clause = CLAUSE.match(block.text)
        ordinal = len(passages)
        passages.append(
            Passage(passage_id(doc_id, ordinal), ordinal, block.text, heading, clause.group(1) if clause else None)
        )
    return passages


def doc_type_of(passages: list[Passage]) -> DocType:
    clauses = sum(1 for p in passages if p.clause)
    return DocType.POLICY if clauses >= 3 else DocType.NEWS


def to_document(raw: RawDocument, article: Article) -> Document | None:
    text = "\n".join(block.text for block in article.blocks if block.kind != BlockKind.CAPTION)
    if not text.strip():
        return None
    title = article.title or _first_sentence(text)
    doc_id = content_id(fold(title), fold(text))
    passages = passages_of(doc_id, article.blocks)
    return Document(
        doc_id=doc_id, source=raw.source, path=raw.path, title=title, doc_type=doc_type_of(passages),
        passages=passages, date=article.date, byline=article.byline, publisher=raw.publisher, url=raw.url,
        captions=article.captions,
    )


def _first_sentence(text: str) -> str:
    match = re.match(rf"[^{SENTENCE_END}\n]{{1,{MAX_TITLE_CHARS}}}", text.strip())
    return match.group(0) if match else text.strip()[:MAX_TITLE_CHARS]


def build_documents(raw: RawDocument) -> list[Document]:
    blocks = [block for block in raw.blocks if block.text.strip()]
    documents = [to_document(raw, article) for article in split_articles(raw, blocks)]
    return [document for document in documents if document is not None]
