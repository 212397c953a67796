"""RawDocument → Documents: the ordered stages after parsing.

normalise lines → regulation? (policy.py: one passage per 条) : clean (clean.py) → split into articles
(articles.py) → passages with their headings → metadata: date (dates.py), places (places.py), topic (topic.py).
Near-duplicate linking needs the store and happens in the pipeline (dedup.py).
"""
from __future__ import annotations

import re

from ingest.articles import Article, split_articles
from ingest.clean import clean_units, normalize, remove_ocr_spaces
from ingest.dates import document_date, normalize_date, page_date, signature_date
from ingest.models import DocType, Document, Passage, RawDocument, content_id, passage_id
from ingest.places import find_mentions, home_city, places_of
from ingest.policy import Regulation, looks_like_policy, read_regulation
from ingest.regulation import regulation_info
from ingest.text.fold import fold
from ingest.topic import on_topic
from ingest.units import SENTENCE_END, Role, Unit

MAX_TITLE_CHARS = 60
# Top-level numbering of notices and plans ("一、总体要求") and the level below ("(一)指导思想").
TOP_NUMBERING = re.compile(r"^[一二三四五六七八九十百]+[、.．]")
SUB_NUMBERING = re.compile(r"^[(（][一二三四五六七八九十百]+[)）]")
# "(一)加强组织领导。各地要…": a numbered paragraph whose first short sentence is its heading.
NUMBERED_LEAD = re.compile(r"^(?P<lead>(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十百]+[)）])[^。;；!?！？]{2,24})[。;；]")
# Titles naming an official genre; with numbered headings such a text is a policy document.
POLICY_GENRE = re.compile(r"(条例|办法|规定|细则|通知|方案|意见|决定|规则|规范|指引|公告|通告|纲要|规划|守则|准则|标准)$")
MIN_NUMBERED_HEADINGS = 2


def passages_of(doc_id: str, units: list[Unit], lead: str | None = None) -> list[Passage]:
    """Paragraphs (or, for a picture story, its captions) under their section headings.

    Heading-like lines with no paragraph after them (a notice's signature, a closing slogan) are text.
    """
    passages: list[Passage] = []

    def add(text: str, heading: str | None = None, chapter: str | None = None) -> None:
        passages.append(Passage(passage_id(doc_id, len(passages)), len(passages), text, heading, chapter=chapter))

    if lead:
        add(lead)
    chapter = heading = None
    body = [unit for unit in units if unit.role in (Role.PARAGRAPH, Role.HEADING)]
    if not any(unit.role == Role.PARAGRAPH for unit in body):
        body = [Unit(unit.text) for unit in units if unit.role == Role.CAPTION]
    last_paragraph = max((i for i, unit in enumerate(body) if unit.role == Role.PARAGRAPH), default=len(body))
    for index, unit in enumerate(body):
        if unit.role == Role.HEADING and index > last_paragraph:
            add(unit.text, None, chapter)
        elif unit.role == Role.HEADING:
            if TOP_NUMBERING.match(unit.text):
                chapter, heading = unit.text, None
            else:
                heading = unit.text
            continue
        numbered = NUMBERED_LEAD.match(unit.text)
        if numbered and TOP_NUMBERING.match(unit.text):
            chapter, heading = numbered["lead"], None
            add(unit.text, None, chapter)
        else:
            add(unit.text, numbered["lead"] if numbered else heading, chapter)
    return passages


def first_sentence(text: str) -> str:
    match = re.match(rf"[^{SENTENCE_END}\n]{{1,{MAX_TITLE_CHARS}}}", text.strip())
    return (match.group(0) if match else text.strip()[:MAX_TITLE_CHARS]).strip()


def places_with_home(folded: str) -> list[str]:
    """Places named (in folded text: 廣州 and 广州 are one place), plus the home city "我市/本市" stands for
    when the text makes it clear."""
    mentions = find_mentions(folded)
    places = places_of(folded, mentions=mentions)
    city = home_city(folded, mentions=mentions)
    if city is not None:
        places += [name for name in city.chain if name not in places]
    return places


def news_type(title: str, units: list[Unit]) -> DocType:
    numbered = sum(1 for unit in units if TOP_NUMBERING.match(unit.text) or SUB_NUMBERING.match(unit.text))
    return DocType.POLICY if POLICY_GENRE.search(title) and numbered >= MIN_NUMBERED_HEADINGS else DocType.NEWS


def article_document(raw: RawDocument, article: Article, stated_date: str | None) -> Document | None:
    body_text = "\n".join(unit.text for unit in article.units if unit.role == Role.PARAGRAPH)
    fallback = body_text or "\n".join(article.captions)
    if not fallback.strip():
        return None
    title = article.title or raw.title or first_sentence(fallback)
    passages = passages_of("", article.units, article.subtitle)
    folded_title, folded_text = fold(title), fold("\n".join(passage.text for passage in passages))
    doc_id = content_id(folded_title, folded_text)
    for passage in passages:
        passage.passage_id = passage_id(doc_id, passage.ordinal)
    lede = passages[1 if article.subtitle and len(passages) > 1 else 0].text
    date, inferred = document_date(stated_date, article.dateline, lede, folded_text, folded=True)
    if date is None:  # a notice dated at its foot ("青河市住建局 / 2023年7月1日")
        date = signature_date([passage.text for passage in passages[-2:]])
    folded = f"{folded_title}\n{folded_text}"
    return Document(
        doc_id=doc_id, source=raw.source, path=raw.path, title=title, doc_type=news_type(title, article.units),
        passages=passages, date=date, date_inferred=inferred, places=places_with_home(folded),
        on_topic=on_topic(folded, folded=True),
        byline=article.byline, publisher=raw.publisher or article.supplier, url=raw.url, captions=article.captions,
    )


def regulation_document(raw: RawDocument, regulation: Regulation, units: list[Unit]) -> Document:
    title = regulation.title or raw.title or first_sentence(units[0].text)
    texts: list[tuple[str, str | None, str | None, str | None]] = []
    if regulation.history:
        texts.append(("\n".join(regulation.history), None, None, None))
    texts += [(line, None, None, None) for line in regulation.front]
    texts += [(clause.text, clause.section, clause.label, clause.chapter) for clause in regulation.clauses]
    folded_title, folded_text = fold(title), fold("\n".join(text for text, *_ in texts))
    doc_id = content_id(folded_title, folded_text)
    passages = [
        Passage(passage_id(doc_id, ordinal), ordinal, text, heading, clause, chapter)
        for ordinal, (text, heading, clause, chapter) in enumerate(texts)
    ]
    folded = f"{folded_title}\n{folded_text}"
    return Document(
        doc_id=doc_id, source=raw.source, path=raw.path, title=title, doc_type=DocType.POLICY, passages=passages,
        date=regulation.date or normalize_date(raw.date), places=places_with_home(folded),
        on_topic=on_topic(folded, folded=True),
        publisher=raw.publisher, url=raw.url, regulation=regulation_info(title, regulation.history),
    )


def build_documents(raw: RawDocument) -> list[Document]:
    units = normalize(raw.blocks)
    if not units:
        return []
    if looks_like_policy(units):
        for unit in units:
            unit.text = remove_ocr_spaces(unit.text)
        return [regulation_document(raw, read_regulation(units, raw.title), units)]
    stated_date = raw.date or page_date([unit.text for unit in units])
    articles = split_articles(clean_units(units), raw.title)
    documents: dict[str, Document] = {}  # an article printed twice on one page is one document
    for article in articles:
        document = article_document(raw, article, stated_date)
        if document is not None:
            documents.setdefault(document.doc_id, document)
    return list(documents.values())
