"""The Whoosh schema, and the one function that maps a document's passages to index fields.

Whoosh stores only ids; texts and metadata live in the SQLite store, which is what we show.
"""
from __future__ import annotations

from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, TEXT, Schema

from index.analysis import PreAnalyzed, analyze, grams, shifted
from index.engine.postings import precomputed
from index.engine.tokenizers import GramTokenizer, WordTokenizer
from ingest.models import Document, Passage, PassageKind
from ingest.policy import defining_lead
from ingest.text.fold import fold
from ingest.text.segmenter import load_dictionary_into_memory

TITLE_BOOST = 3.0
HEADING_BOOST = 1.5
GRAMS_BOOST = 0.25  # the fallback field ranks below word matches
# Captions, bylines and page furniture (ingest.models.PassageKind) are indexed in `aside`, not `body`: found by
# every search, ranked below the article's own text.
ASIDE_BOOST = 0.5
# Bumped whenever what is indexed changes (fields, their formats, how text becomes terms): an index with another
# format is rebuilt from the store on the next write (index/store/consistency.py `upgrade`).
# 2: precomputed postings (index/engine/postings.py); one gram per character (index/analysis.py `grams`).
# 3: modules moved into index/engine/ (the tokenizers and codec whose class paths Whoosh pickles into an index).
# 4: `aside` (captions, bylines, furniture as typed passages), `kind`, `topic` (the topic label, a filter).
# 5: a clause's `heading` also holds the sentence that introduces its enumerated conditions (`defining_lead`).
INDEX_FORMAT = 5


def build_schema() -> Schema:
    words = WordTokenizer()
    chars = GramTokenizer()
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True, sortable=True),
        group_id=ID(stored=True, sortable=True),  # canonical_id of a repost, else doc_id: results collapse on it
        title=precomputed(TEXT(analyzer=words, phrase=True, field_boost=TITLE_BOOST)),
        heading=precomputed(TEXT(analyzer=words, phrase=True, field_boost=HEADING_BOOST)),
        body=precomputed(TEXT(analyzer=words, phrase=True)),
        aside=precomputed(TEXT(analyzer=words, phrase=True, field_boost=ASIDE_BOOST)),
        grams=precomputed(TEXT(analyzer=chars, phrase=True, field_boost=GRAMS_BOOST)),
        doc_type=ID(stored=True),
        source=ID(stored=True),
        places=KEYWORD(stored=True, commas=True),
        year=ID(stored=True),
        date=ID(stored=True, sortable=True),
        on_topic=BOOLEAN(stored=True),
        topic=ID(stored=True),
        kind=ID(stored=True),
        ordinal=NUMERIC(stored=True, sortable=True),
    )


def document_fields(document: Document) -> list[dict]:
    """Index fields for each passage of a document (the title analysed once for all of them).

    Text fields are pre-analysed, so this can run in a worker process; `group_id` follows `canonical_id`,
    which near-duplicate linking may set later (the writer sets it again then).
    """
    load_dictionary_into_memory()  # indexing is bulk work: dict lookups beat the trie's
    title = fold(document.title)
    title_terms = analyze(title, folded=True)
    title_grams = grams(title, folded=True)
    return [_passage_fields(document, passage, title, title_terms, title_grams) for passage in document.passages]


def _passage_fields(document: Document, passage: Passage, title: str, title_terms, title_grams) -> dict:
    body = fold(passage.text)
    text = passage.kind == PassageKind.TEXT
    # A clause's context: its chapter and section, its label, and the sentence that introduces the conditions it
    # lists (ingest/policy.py `defining_lead`), so the clause that states a condition outranks a passing mention.
    lead = defining_lead(body) if passage.clause else None
    heading = fold(" ".join(filter(None, [passage.chapter, passage.heading, passage.clause, lead])))
    return {
        "passage_id": passage.passage_id,
        "doc_id": document.doc_id,
        "group_id": document.canonical_id or document.doc_id,
        "title": PreAnalyzed(title, title_terms),
        "heading": PreAnalyzed(heading, analyze(heading, folded=True)),
        "body": PreAnalyzed(body if text else "", analyze(body, folded=True) if text else []),
        "aside": PreAnalyzed("" if text else body, [] if text else analyze(body, folded=True)),
        "grams": PreAnalyzed(body, grams(body, folded=True) + shifted(title_grams, len(body) + 8)),
        "doc_type": str(document.doc_type),
        "source": document.source,
        "places": ",".join(document.places),
        "year": (document.date or "")[:4],
        "date": document.date or "",
        "on_topic": document.on_topic,
        "topic": document.topic,
        "kind": str(passage.kind),
        "ordinal": passage.ordinal,
    }
