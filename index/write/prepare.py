"""Everything per file that needs no shared state, done in ingest's worker processes.

Parse and structure the file, analyse every passage into index postings, extract the cases, compute the
near-duplicate signature. The writer (the one process holding the library's write lock) then only links
reposts, files postings into the index and rows into the store. Cases are extracted as if the document were
no repost; the writer drops them when linking finds it is one (a repost's cases are its original's).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.engine.postings import with_postings
from index.engine.schema import build_schema, document_fields
from ingest.cases.build import Case, extract_cases
from ingest.dedup import Signature, signature
from ingest.errors import EmptyDocument, IngestError
from ingest.models import Document
from ingest.parsers import parse
from ingest.structure import build_documents

log = logging.getLogger("redprop.ingest")


@dataclass
class PreparedDocument:
    document: Document
    passages: list[dict]  # index fields per passage, text fields carrying their postings
    cases: list[Case] | None  # None: extraction failed here; the cases store retries on its next lookup
    signature: Signature | None  # None: too short to compare


@dataclass
class PreparedFile:
    documents: list[PreparedDocument]
    problems: list[IngestError]  # parts of the file that were skipped (broken JSONL lines)


def read_file(path: Path, data: bytes) -> tuple[list[Document], list[IngestError]]:
    """Parse and structure one file: its documents, and the problems with parts of it that were skipped
    (broken JSONL lines). Raises IngestError naming the file when nothing in it can be indexed."""
    parsed = parse(path, data)
    documents: list[Document] = []
    for raw in parsed.documents:
        documents.extend(build_documents(raw))
    if not documents:
        raise EmptyDocument(str(path), "文件中没有可索引的正文")
    return documents, parsed.problems


@lru_cache(maxsize=1)
def _schema():
    return build_schema()


def prepare_file(path: Path, data: bytes, source: str | None = None, url: str | None = None) -> PreparedFile:
    """Raises IngestError naming the file when nothing in it can be indexed. `source`: the name users see;
    `url`: where a fetched file came from."""
    documents, problems = read_file(path, data)
    for document in documents:
        document.source = source or document.source
        document.url = url or document.url
    return PreparedFile([prepare_document(document) for document in documents], problems)


def prepare_document(document: Document) -> PreparedDocument:
    schema = _schema()
    passages = [with_postings(fields, schema) for fields in document_fields(document)]
    try:
        cases = extract_cases(document)
    except Exception:  # an extractor bug must not lose the document; logged with its id
        log.exception("案例提取失败:%s", document.doc_id)
        cases = None
    return PreparedDocument(document, passages, cases, signature(document))
