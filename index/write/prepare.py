"""Everything per file that needs no shared state, done in ingest's worker processes.

Parse and structure the file, analyse every passage into index postings, extract the cases, compute the
near-duplicate signature. The writer (the one process holding the library's write lock) then only links
reposts, files postings into the index and rows into the store. A document's passages travel pickled once, as
bytes: the writer never reads them, it passes the bytes alone (not the document around them) on to the worker
that writes the batch's segment (`write_prepared_segment`), so they are not unpickled and pickled again in the
one process every batch waits on. Cases are extracted as if the document were no repost; the writer drops them
when linking finds it is one (a repost's cases are its original's).
"""
from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.engine.postings import with_postings
from index.engine.schema import build_schema, document_fields
from index.engine.staging import StagedSegment, collector_paused, write_segment
from ingest.cases.build import Case, extract_cases
from ingest.dedup import Signature, signature
from ingest.errors import EmptyDocument, IngestError
from ingest.models import Document
from ingest.parsers import parse
from ingest.structure import build_documents
from ingest.text.segmenter import load_dictionary_into_memory

log = logging.getLogger("redprop.ingest")


@dataclass
class PreparedDocument:
    document: Document
    packed_passages: bytes  # index fields per passage, text fields carrying their postings, pickled (`passages`)
    cases: list[Case] | None  # None: extraction failed here; the cases store retries on its next lookup
    signature: Signature | None  # None: too short to compare

    def passages(self, group_id: str | None = None) -> list[dict]:
        return unpack_passages(self.packed_passages, group_id)


def unpack_passages(packed: bytes, group_id: str | None = None) -> list[dict]:
    """A document's passages' index fields, with the group linking decided (a repost collapses into its
    original)."""
    passages = pickle.loads(packed)
    return passages if group_id is None else [fields | {"group_id": group_id} for fields in passages]


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
    load_dictionary_into_memory()  # bulk work from the first file on: the places read while parsing cut text too
    documents, problems = read_file(path, data)
    for document in documents:
        document.source = source or document.source
        document.url = url or document.url
    return PreparedFile([prepare_document(document) for document in documents], problems)


def prepare_document(document: Document) -> PreparedDocument:
    schema = _schema()
    with collector_paused():  # a document's index fields: tens of thousands of terms and postings
        passages = pickle.dumps([with_postings(fields, schema) for fields in document_fields(document)],
                                protocol=pickle.HIGHEST_PROTOCOL)
    try:
        cases = extract_cases(document)
    except Exception:  # an extractor bug must not lose the document; logged with its id
        log.exception("案例提取失败:%s", document.doc_id)
        cases = None
    return PreparedDocument(document, passages, cases, signature(document))


def write_prepared_segment(index_dir: Path, documents: list[tuple[bytes, str]]) -> StagedSegment:
    """The documents' packed passages (`PreparedDocument.packed_passages`), each document's with its group id,
    as one staged segment (index/engine/staging.py); runs in a worker, where the passages are unpickled."""
    return write_segment(index_dir, [fields for packed, group_id in documents
                                     for fields in unpack_passages(packed, group_id)])
