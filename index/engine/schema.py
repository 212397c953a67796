"""The Whoosh schema, and the one function that maps a document's passages to index fields.

Whoosh stores only ids; texts and metadata live in the SQLite store, which is what we show.
"""
from __future__ import annotations

from functools import lru_cache

from whoosh.fields import BOOLEAN, ID, KEYWORD, STORED, TEXT, Schema

from index.analysis import PreAnalyzed, Term, analyze, analyze_with_grams, grams
from index.engine.documents import KIND_FIELD, RECORD_KIND
from index.engine.postings import precomputed
from index.engine.tokenizers import GramTokenizer, WordTokenizer
from ingest.models import Document, Passage, PassageKind
from ingest.policy import defining_lead
from ingest.text.fold import fold
from ingest.text.segmenter import load_dictionary_into_memory

TITLE_BOOST = 3.0
HEADING_BOOST = 1.5
# A clause's defining lead (应当具备下列条件, 有下列情形之一的): the sentence that says what the clause lists. Its own
# field, apart from the chapter title in `heading`: a chapter word (维护 in 物业的使用与维护) is context shared by
# every clause of the chapter, the lead's words are what this clause defines.
LEAD_BOOST = 1.5
HEADING_CACHE_SIZE = 4096  # folded headings whose terms are remembered per process (a few dozen characters each)
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
# 6: the title indexed once per document, in a record before its passages (index/engine/documents.py); a
#    passage's grams only where jieba is unsure (index/analysis.py `unsure_grams`); compact positions
#    (index/engine/postings.py); passage_id stored only, no ordinal (the store has it).
# 7: a clause's defining lead in its own field, `lead` (it was part of `heading`).
INDEX_FORMAT = 7


def build_schema() -> Schema:
    words = WordTokenizer()
    chars = GramTokenizer()
    return Schema(
        passage_id=STORED(),  # never searched: the hit's key into the store
        doc_id=ID(stored=True, sortable=True),
        group_id=ID(stored=True, sortable=True),  # canonical_id of a repost, else doc_id: results collapse on it
        title=precomputed(TEXT(analyzer=words, phrase=True, field_boost=TITLE_BOOST)),
        heading=precomputed(TEXT(analyzer=words, phrase=True, field_boost=HEADING_BOOST)),
        lead=precomputed(TEXT(analyzer=words, phrase=True, field_boost=LEAD_BOOST)),
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
    )


def document_fields(document: Document) -> list[dict]:
    """Index fields of a document: its record (the title, indexed once), then each passage.

    The record must come right before its passages (index/engine/documents.py finds a passage's record so).
    Text fields are pre-analysed, so this can run in a worker process; `group_id` follows `canonical_id`,
    which near-duplicate linking may set later (the writer sets it again then).
    """
    if not document.passages:
        return []
    load_dictionary_into_memory()  # indexing is bulk work: dict lookups beat the trie's
    title = fold(document.title)
    record = {
        "doc_id": document.doc_id,
        "title": PreAnalyzed(title, analyze(title, folded=True)),
        "grams": PreAnalyzed(title, grams(title, folded=True)),
        KIND_FIELD: RECORD_KIND,
    }
    shared = _document_values(document)
    return [record] + [_passage_fields(passage, shared) for passage in document.passages]


def group_id(document: Document) -> str:
    """What a document's passages are grouped under in the index: its original if it is a repost."""
    return document.canonical_id or document.doc_id


def _document_values(document: Document) -> dict:
    """The fields every passage of `document` repeats, made once: the same objects in every passage pickle once
    (pickle refers back to an object it has written), for the worker that packs them and the one that unpacks
    them. Field order does not matter: Whoosh's writer and the staged segment's take fields sorted by name."""
    return {
        "doc_id": document.doc_id,
        "group_id": group_id(document),
        "doc_type": str(document.doc_type),
        "source": document.source,
        "places": ",".join(document.places),
        "year": (document.date or "")[:4],
        "date": document.date or "",
        "on_topic": document.on_topic,
        "topic": document.topic,
    }


@lru_cache(maxsize=HEADING_CACHE_SIZE)
def _heading_terms(heading: str) -> tuple[Term, ...]:
    """The terms of a folded heading, remembered: the passages of a section share its heading (on 300 files of
    the bench corpus, 1718 passages had a heading, 717 distinct ones)."""
    return tuple(analyze(heading, folded=True))


def _passage_fields(passage: Passage, shared: dict) -> dict:
    body = fold(passage.text)
    text = passage.kind == PassageKind.TEXT
    # A clause's context: its chapter and section and its label; and apart, the sentence that introduces the
    # conditions it lists (ingest/policy.py `defining_lead`), so the clause that states a condition outranks a
    # passing mention.
    lead = (defining_lead(body) if passage.clause else None) or ""
    heading = fold(" ".join(filter(None, [passage.chapter, passage.heading, passage.clause])))
    analysed, unsure = analyze_with_grams(body, folded=True)
    return {
        "passage_id": passage.passage_id,
        **shared,
        "heading": PreAnalyzed(heading, _heading_terms(heading)),
        "lead": PreAnalyzed(lead, analyze(lead, folded=True)),
        "body": analysed if text else PreAnalyzed(""),
        "aside": PreAnalyzed("") if text else analysed,
        "grams": PreAnalyzed(body, unsure),
        "kind": str(passage.kind),
    }
