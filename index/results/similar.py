""""More like this": the key terms of a passage (or a document) by tf-idf, searched as alternatives.

The source document and its reposts are left out, so the result shows other places that did something alike.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from index.analysis import is_cjk, stopwords
from index.engine import nodes as q
from index.query.filters import Filters
from index.query.syntax import leveled
from index.results.search import GROUP_FIELD, SearchRequest, SearchResult, run_query
from index.store.library import Library
from ingest.text.fold import fold
from ingest.text.segmenter import segmenter

if TYPE_CHECKING:  # jieba.analyse loads its idf table on import (0.4 s): only when keywords are wanted
    from jieba.analyse.tfidf import TFIDF

KEY_TERMS = 12
MIN_TERM_CHARS = 2  # single characters and digits say little about what a passage is about
STRUCTURE_LABEL = re.compile(r"^第[一二三四五六七八九十百零〇两\d]+[编章节条款项]$")  # 第七条 is form, not topic
SIMILAR_FIELDS = ("title", "body")


class NothingToCompare(LookupError):
    """The passage or document does not exist."""


@lru_cache(maxsize=1)
def extractor() -> TFIDF:
    """jieba's tf-idf keyword extractor (idf from a large general corpus) cutting words with our dictionary."""
    from jieba.analyse.tfidf import TFIDF

    tfidf = TFIDF()
    tfidf.tokenizer = segmenter()
    tfidf.stop_words = tfidf.stop_words | stopwords()
    return tfidf


def key_terms(searcher, text: str, limit: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The terms of `text` that are frequent in it and rare in general Chinese, and present in the index.

    General-language idf rather than the collection's: a small collection calls any rare word (一头, 何处)
    distinctive, while jieba's table knows them as common.
    """
    candidates = extractor().extract_tags(fold(text), topK=limit * 3, withWeight=True)
    kept = [
        (word, weight) for word, weight in candidates
        if len(word) >= MIN_TERM_CHARS and any(map(is_cjk, word)) and not STRUCTURE_LABEL.match(word)
        and searcher.doc_frequency("body", word) > 1
    ]
    return kept[:limit]


def similar_to_text(library: Library, text: str, group_id: str, label: str, page: int = 1, size: int = 10,
                    filters: Filters | None = None) -> dict:
    with library.index.live_searcher() as searcher:
        terms = key_terms(searcher, text)
    request = SearchRequest(label, page=page, size=size, filters=filters or Filters())
    if not terms:
        result = run_query(library, request, None, None, [])
    else:
        top = terms[0][1]
        alternatives = q.Or([
            leveled(q.Term(name, word, boost=weight / top)) for word, weight in terms for name in SIMILAR_FIELDS
        ])
        query = q.AndNot(alternatives, q.Term(GROUP_FIELD, group_id))
        result = run_query(library, request, query, request.filters.to_query(), [word for word, _ in terms])
    return {"terms": [word for word, _ in terms], **_plain(result)}


def _plain(result: SearchResult) -> dict:
    data = result.to_json()
    data.pop("query", None)
    return data


def similar_to_passage(library: Library, passage_id: str, **kwargs) -> dict:
    rows = library.store.passages([passage_id])
    if passage_id not in rows:
        raise NothingToCompare(passage_id)
    row = rows[passage_id]
    group_id = row["canonical_id"] or row["doc_id"]
    return {"passage_id": passage_id, **similar_to_text(library, row["text"], group_id, row["text"][:30], **kwargs)}


def similar_to_document(library: Library, doc_id: str, **kwargs) -> dict:
    document = library.store.get_document(doc_id)
    if document is None:
        raise NothingToCompare(doc_id)
    text = document.title + "\n" + document.text
    group_id = document.canonical_id or document.doc_id
    return {"doc_id": doc_id, **similar_to_text(library, text, group_id, document.title, **kwargs)}
