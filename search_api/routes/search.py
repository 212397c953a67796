"""GET /api/search."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from search_api import service
from search_api.deps import LibraryDep

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search")
def search(
    library: LibraryDep,
    q: Annotated[str, Query(description="查询词;支持 \"短语\"、AND/OR/NOT、place:/type:/year:/source:")] = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict:
    return service.run_search(library, q, page=page, size=size).to_json()
