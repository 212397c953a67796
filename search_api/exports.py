"""Files to download: a collection as a teaching pack (DOCX, Markdown) or as references (RIS, BibTeX, CSL-JSON,
GB/T 7714 text); a search result page or one document as references. Shared by the API, the pages and the CLI.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from index.store.library import Library
from search_api import collection_service, references, service, teaching_pack
from search_api.errors import BadRequest

PACK_FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "md": "text/markdown; charset=utf-8"}
REFERENCE_SUFFIX = {"ris": "ris", "bib": "bib", "json": "json", "txt": "txt"}
FORMAT_HELP = "docx(教学资料包)、md(Markdown 资料包)、ris、bib(BibTeX)、json(CSL-JSON)、txt(GB/T 7714)"


@dataclass
class Download:
    name: str
    media_type: str
    data: bytes

    @property
    def disposition(self) -> str:
        """attachment with the UTF-8 file name (RFC 6266/5987), an ASCII fallback for old clients."""
        return f"attachment; filename=\"redprop.{self.name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(self.name)}"


def collection_file(library: Library, collection_id: str, fmt: str) -> Download:
    view = collection_service.show(library, collection_id)
    stem = _safe(view["title"]) or collection_id
    if fmt == "docx":
        return Download(f"{stem}.docx", PACK_FORMATS["docx"], teaching_pack.to_docx(view))
    if fmt == "md":
        return Download(f"{stem}.md", PACK_FORMATS["md"], teaching_pack.to_markdown(view).encode("utf-8"))
    return references_file(collection_service.documents_of(library, view), fmt, stem)


def document_file(library: Library, doc_id: str, fmt: str) -> Download:
    document = collection_service.with_access_date(library, service.show_document(library, doc_id))
    return references_file([document], fmt, _safe(document["title"]) or doc_id)


def search_file(library: Library, q: str, fmt: str, page: int = 1, size: int = 10, filters=None,
                sort: str = "relevance") -> Download:
    """The documents of one search result page, in rank order."""
    result = service.run_search(library, q, page=page, size=size, filters=filters, sort=sort)
    doc_ids = list(dict.fromkeys(hit.doc_id for hit in result.hits))
    documents = [collection_service.with_access_date(library, service.show_document(library, doc_id))
                 for doc_id in doc_ids]
    return references_file(documents, fmt, _safe(f"检索-{q}") or "检索结果")


def references_file(documents: list[dict], fmt: str, stem: str) -> Download:
    if fmt not in REFERENCE_SUFFIX:
        raise BadRequest(f"不支持的导出格式 {fmt}:可选 {FORMAT_HELP}")
    media = references.FORMATS[fmt] + ("; charset=utf-8" if fmt in ("txt", "ris", "bib") else "")
    return Download(f"{stem}.{REFERENCE_SUFFIX[fmt]}", media, references.export(documents, fmt).encode("utf-8"))


def _safe(name: str) -> str:
    """A file name from a title: no path separators or control characters, not too long."""
    cleaned = "".join(ch for ch in name if ch.isprintable() and ch not in '/\\:*?"<>|').strip()
    return cleaned[:60]
