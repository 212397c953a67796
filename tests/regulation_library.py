"""Invented regulations ingested from Markdown as a user would, and the order a search gives their clauses in
(the cross-regulation ranking steps' tests)."""
from __future__ import annotations

from index.query.filters import Filters
from index.query.syntax import QueryOptions
from index.results.search import SearchRequest, search
from index.store.library import Library
from index.write.pipeline import ingest_paths


def ingested(tmp_path_factory, regulations: dict[str, str]) -> Library:
    folder = tmp_path_factory.mktemp("files")
    for name, text in regulations.items():
        (folder / name).write_text(text, encoding="utf-8")
    library = Library(tmp_path_factory.mktemp("home"))
    assert not ingest_paths([folder], library, workers=1).failed
    return library


def clause_order(library: Library, question: str, options: QueryOptions) -> list[tuple[str, str]]:
    """(city, clause) of each hit, best first: the city is what precedes 市 in the regulation's source name."""
    request = SearchRequest(question, collapse=False, filters=Filters(on_topic_only=False), options=options)
    return [(hit.source.split("市")[0], hit.clause) for hit in search(library, request).hits]
