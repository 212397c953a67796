"""GET /api/documents, GET /api/documents/{doc_id}."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from search_api import service
from search_api.deps import LibraryDep

router = APIRouter(tags=["documents"])


@router.get("/api/documents")
def list_documents(
    library: LibraryDep,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict:
    return service.list_documents(library, page, size)


@router.get("/api/documents/{doc_id}")
def get_document(library: LibraryDep, doc_id: str) -> dict:
    return service.show_document(library, doc_id)
