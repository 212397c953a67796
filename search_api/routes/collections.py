"""Collections over HTTP: GET/POST /api/collections, GET/PATCH/DELETE /api/collections/{id}, items add/move/annotate/
remove, and downloads (teaching pack, references) of a collection, a document or a search result page.

Reads follow the rest of the API (public unless REDPROP_READ_TOKEN is set). Writes need `Authorization: Bearer <token>` where the token is the
server's write token, or — for changes to one existing collection — that collection's edit key.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from search_api import collection_service, exports, service
from search_api.auth import Credentials, ReadAccess, WriteAccess, require_write, token_matches
from search_api.deps import LibraryDep
from search_api.errors import Forbidden

router = APIRouter(prefix="/api", tags=["collections"])
CollectionId = Annotated[str, Path(description="合集编号")]
MAX_NUMBER = 2**31  # item ids and positions: far beyond any collection, well inside SQLite's integers
ItemId = Annotated[int, Path(ge=1, le=MAX_NUMBER, description="条目编号")]
Format = Annotated[str, Query(description=exports.FORMAT_HELP)]


class NewCollection(BaseModel):
    title: str = Field(description="标题", max_length=collection_service.MAX_TITLE)
    description: str = Field("", description="说明", max_length=collection_service.MAX_NOTE)


class CollectionChange(BaseModel):
    title: str | None = Field(None, max_length=collection_service.MAX_TITLE)
    description: str | None = Field(None, max_length=collection_service.MAX_NOTE)


class NewItem(BaseModel):
    kind: str = Field(description="document、passage 或 case")
    ref: str = Field(description="文档、段落或案例的编号")
    note: str = Field("", description="按语", max_length=collection_service.MAX_NOTE)
    position: int | None = Field(None, ge=1, le=MAX_NUMBER, description="放在第几条(默认放在最后)")


class ItemChange(BaseModel):
    note: str | None = Field(None, description="新的按语", max_length=collection_service.MAX_NOTE)
    position: int | None = Field(None, ge=1, le=MAX_NUMBER, description="移到第几条")


class Order(BaseModel):
    item_ids: list[Annotated[int, Field(ge=1, le=MAX_NUMBER)]] = Field(description="条目编号的新顺序", max_length=10000)


def require_collection_write(request: Request, library: LibraryDep, collection_id: CollectionId,
                             credentials: Credentials) -> None:
    """The server's write token, or this collection's edit key."""
    if credentials is not None:
        if collection_service.key_matches(library, collection_id, credentials.credentials):  # 404 if no such id
            return
        expected = request.app.state.settings.write_token
        if expected and token_matches(credentials.credentials, expected):
            return
        raise Forbidden("令牌无效:需要写入令牌或这个合集的编辑密钥")
    require_write(request, credentials)  # raises: no credentials at all


CollectionWrite = Depends(require_collection_write)


def download(file: exports.Download) -> Response:
    return Response(file.data, media_type=file.media_type, headers={"Content-Disposition": file.disposition})


@router.get("/collections", dependencies=[ReadAccess])
def list_collections(library: LibraryDep) -> dict:
    return collection_service.list_all(library)


@router.post("/collections", status_code=201, dependencies=[WriteAccess])
def create_collection(library: LibraryDep, body: NewCollection) -> dict:
    """The answer has `edit_key` and `edit_url`: keep them, they are shown only once."""
    return collection_service.create(library, body.title, body.description)


@router.get("/collections/{collection_id}", dependencies=[ReadAccess])
def get_collection(library: LibraryDep, collection_id: CollectionId) -> dict:
    return collection_service.show(library, collection_id)


@router.patch("/collections/{collection_id}", dependencies=[CollectionWrite])
def change_collection(library: LibraryDep, collection_id: CollectionId, body: CollectionChange) -> dict:
    return collection_service.update(library, collection_id, body.title, body.description)


@router.delete("/collections/{collection_id}", dependencies=[CollectionWrite])
def delete_collection(library: LibraryDep, collection_id: CollectionId) -> dict:
    return collection_service.delete(library, collection_id)


@router.post("/collections/{collection_id}/items", status_code=201, dependencies=[CollectionWrite])
def add_item(library: LibraryDep, collection_id: CollectionId, body: NewItem) -> dict:
    return collection_service.add_item(library, collection_id, body.kind, body.ref, body.note, body.position)


@router.patch("/collections/{collection_id}/items/{item_id}", dependencies=[CollectionWrite])
def change_item(library: LibraryDep, collection_id: CollectionId, item_id: ItemId, body: ItemChange) -> dict:
    view = None
    if body.note is not None:
        view = collection_service.annotate(library, collection_id, item_id, body.note)
    if body.position is not None:
        view = collection_service.move_item(library, collection_id, item_id, body.position)
    return view or collection_service.show(library, collection_id)


@router.put("/collections/{collection_id}/order", dependencies=[CollectionWrite])
def reorder(library: LibraryDep, collection_id: CollectionId, body: Order) -> dict:
    return collection_service.reorder(library, collection_id, body.item_ids)


@router.delete("/collections/{collection_id}/items/{item_id}", dependencies=[CollectionWrite])
def remove_item(library: LibraryDep, collection_id: CollectionId, item_id: ItemId) -> dict:
    return collection_service.remove_item(library, collection_id, item_id)


@router.get("/collections/{collection_id}/export", dependencies=[ReadAccess])
def export_collection(library: LibraryDep, collection_id: CollectionId, format: Format = "docx") -> Response:
    return download(exports.collection_file(library, collection_id, format))


@router.get("/documents/{doc_id}/references", dependencies=[ReadAccess])
def export_document(library: LibraryDep, doc_id: str, format: Format = "ris") -> Response:
    return download(exports.document_file(library, doc_id, format))


@router.get("/search/references", dependencies=[ReadAccess])
def export_search(
    library: LibraryDep,
    q: str = "",
    format: Format = "ris",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    place: Annotated[list[str] | None, Query()] = None,
    year: Annotated[list[str] | None, Query()] = None,
    type: Annotated[list[str] | None, Query()] = None,
    source: Annotated[list[str] | None, Query()] = None,
    sort: str = "relevance",
) -> Response:
    """The documents of one search result page (same parameters as /api/search) as references."""
    filters = service.build_filters(place, year, type, source)
    return download(exports.search_file(library, q, format, page, size, filters, sort))
