"""RawDocument → Documents: the ordered stages after parsing.

normalise lines → regulation? (policy.py: one passage per 条) : clean (clean.py) → split into articles
(articles.py) → passages with their headings → metadata: date (dates.py), places (places.py), topic (topic.py).
Near-duplicate linking needs the store and happens in the pipeline (dedup.py).
"""
from __future__ import annotations

import re

from ingest.articles import Article, split_articles
from ingest.clean import clean_units, normalize, remove_ocr_spaces
from ingest.dates import dated_with_source, normalize_date, page_date_with_source, signature_date
from ingest.models import (
    DocType,
    Document,
    Passage,
    PassageKind,
    PolicySubtype,
    RawDocument,
    content_id,
    passage_id,
)
from ingest.places import find_mentions, home_city, place_evidence, places_of
from ingest.policy import Regulation, looks_like_policy, read_regulation
from ingest.regulation import regulation_info
from ingest.text.fold import fold
from ingest.topic import topic_score
from ingest.units import DOC_NUMBER, SENTENCE_END, Role, Unit

MAX_TITLE_CHARS = 60
# Top-level numbering of notices and plans ("一、总体要求") and the level below ("(一)指导思想").
TOP_NUMBERING = re.compile(r"^[一二三四五六七八九十百]+[、.．]")
SUB_NUMBERING = re.compile(r"^[(（][一二三四五六七八九十百]+[)）]")
# "(一)加强组织领导。各地要…": a numbered paragraph whose first short sentence is its heading.
NUMBERED_LEAD = re.compile(r"^(?P<lead>(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十百]+[)）])[^。;；!?！？]{2,24})[。;；]")
# Titles naming an official genre; with numbered headings, a 文号 or a salutation such a text is a policy document.
# A trailing bracket ("（2023—2025年）", "（试行）") does not hide the genre.
POLICY_GENRE = re.compile(r"(条例|办法|规定|细则|通知|方案|意见|决定|规则|规范|指引|公告|通告|纲要|规划|守则|准则|标准|计划)"
                          r"(?:[(（][^()（）]{1,16}[)）])?$")
# Genre → subtype; notices are the default for the rest (意见, 决定, 公告 …).
SUBTYPE_BY_GENRE = (
    (re.compile(r"(条例|办法|规定|细则|规则|守则|准则)"), PolicySubtype.REGULATION),
    (re.compile(r"(方案|规划|计划|纲要)"), PolicySubtype.PLAN),
)
# A 文号 anywhere in an official text's head ("赣建房〔2023〕12号", "X政办发[2022]3号"), on its own line or not.
DOC_NUMBER_ANYWHERE = re.compile(r"[\u3400-\u9fff]{1,10}\s*[〔\[【]\s*(?:19|20)\d{2}\s*[〕\]】]\s*\d+\s*号")
# A notice's salutation: "各有关单位：", "各区县住建局，各物业服务企业：".
SALUTATION = re.compile(r"^各[\u3400-\u9fff、，,（）()]{1,60}[:：]$")
HEAD_UNITS = 6  # 文号 and salutation stand in the first lines
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


def news_type(title: str, units: list[Unit]) -> DocType:
    return document_type(title, [unit.text for unit in units])[0]


def document_type(title: str, lines: list[str]) -> tuple[DocType, PolicySubtype | None]:
    """Policy when the text carries an official document's markers: a 文号 or a salutation in its head, or a
    genre title (通知/方案/办法 …) over numbered headings; news otherwise."""
    numbered = sum(1 for line in lines if TOP_NUMBERING.match(line) or SUB_NUMBERING.match(line))
    head = [fold(line.strip()) for line in lines[:HEAD_UNITS]]
    marked = any(DOC_NUMBER.match(line) or DOC_NUMBER_ANYWHERE.search(line[:40]) or SALUTATION.match(line)
                 for line in head)
    genre = POLICY_GENRE.search(fold(title))
    if not (marked or (genre and numbered >= MIN_NUMBERED_HEADINGS)):
        return DocType.NEWS, None
    return DocType.POLICY, policy_subtype(title)


def policy_subtype(title: str) -> PolicySubtype:
    """By the genre word the title ends with (…方案的通知 is a notice), notice when it names none."""
    genre = POLICY_GENRE.search(fold(title))
    for pattern, subtype in SUBTYPE_BY_GENRE:
        if genre and pattern.fullmatch(genre.group(1)):
            return subtype
    return PolicySubtype.NOTICE


def furniture_passages(doc_id: str, start: int, kind: PassageKind, texts: list[str]) -> list[Passage]:
    """Captions, bylines and page furniture as typed passages after the text: searchable, never a case."""
    return [Passage(passage_id(doc_id, start + number), start + number, text, kind=kind)
            for number, text in enumerate(text for text in texts if text.strip())]


def metadata(folded_title: str, folded_text: str) -> dict:
    """Places with their evidence, and the topic label with its score, of a folded title and text."""
    folded = f"{folded_title}\n{folded_text}"
    mentions = find_mentions(folded)
    places = places_of(folded, mentions=mentions)
    city = home_city(folded, mentions=mentions)
    if city is not None:
        places += [name for name in city.chain if name not in places]
    topic = topic_score(folded_text, folded=True, title=folded_title)
    return {"places": places, "place_evidence": place_evidence(mentions), "topic": topic.label,
            "topic_score": topic.score, "on_topic": topic.on_topic}


def article_document(raw: RawDocument, article: Article, stated: tuple[str | None, str | None],
                     furniture: list[str] | None = None) -> Document | None:
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
    date, inferred, date_source = dated_with_source(stated[0], stated[1], article.dateline, lede, folded_text,
                                                    url=raw.url, folded=True)
    if date is None:  # a notice dated at its foot ("青河市住建局 / 2023年7月1日")
        date = signature_date([passage.text for passage in passages[-2:]])
        date_source = "signature" if date else None
    captions_shown = bool(body_text)  # a picture story's captions are its text already
    for kind, texts in ((PassageKind.CAPTION, article.captions if captions_shown else []),
                        (PassageKind.BYLINE, [article.byline or ""]), (PassageKind.FURNITURE, furniture or [])):
        passages += furniture_passages(doc_id, len(passages), kind, texts)
    doc_type, subtype = document_type(title, [unit.text for unit in article.units])
    return Document(
        doc_id=doc_id, source=raw.source, path=raw.path, title=title, doc_type=doc_type, policy_subtype=subtype,
        passages=passages, date=date, date_inferred=inferred, date_source=date_source,
        byline=article.byline, publisher=raw.publisher or article.supplier, url=raw.url, captions=article.captions,
        **metadata(folded_title, folded_text),
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
    # A publication line above the text beats the regulation's own adoption date (its 通过/批准 history).
    date, date_source = page_date_with_source([unit.text for unit in units[:HEAD_UNITS]])
    if date is None and regulation.date:
        date, date_source = regulation.date, "signature"
    if date is None and normalize_date(raw.date):
        date, date_source = normalize_date(raw.date), raw.date_source or "meta"
    found = metadata(folded_title, folded_text)
    # The property regulations the domain's work rests on (物业管理条例 with no word on party building) keep
    # their label but stay in the default search; fee notices and court stories are not regulations.
    found["on_topic"] = found["on_topic"] or found["topic"] == "property-industry"
    return Document(
        doc_id=doc_id, source=raw.source, path=raw.path, title=title, doc_type=DocType.POLICY,
        policy_subtype=policy_subtype(title) if POLICY_GENRE.search(fold(title)) else PolicySubtype.REGULATION,
        passages=passages, date=date, date_source=date_source,
        publisher=raw.publisher, url=raw.url, regulation=regulation_info(title, regulation.history), **found,
    )


def build_documents(raw: RawDocument) -> list[Document]:
    units = normalize(raw.blocks)
    if not units:
        return []
    if looks_like_policy(units):
        for unit in units:
            unit.text = remove_ocr_spaces(unit.text)
        return [regulation_document(raw, read_regulation(units, raw.title), units)]
    if raw.date:
        stated = (raw.date, raw.date_source or "meta")
    else:
        stated = page_date_with_source([unit.text for unit in units])
    cleaned = clean_units(units)
    furniture = [unit.text for unit in cleaned if unit.role == Role.FURNITURE]
    articles = split_articles([unit for unit in cleaned if unit.role != Role.FURNITURE], raw.title)
    documents: dict[str, Document] = {}  # an article printed twice on one page is one document
    for number, article in enumerate(articles):
        document = article_document(raw, article, stated, furniture if number == 0 else None)
        if document is not None:
            documents.setdefault(document.doc_id, document)
    return list(documents.values())
