"""The collection pages (合集): list and create, the read-only share page, the editor reached by the edit link,
"加入合集" from hits, documents, passages and cases, the printable page and the downloads.

Every change is a plain HTML form that posts and redirects back (so ordering, notes and removal work without
JavaScript; app.js adds drag and drop on top). The edit key travels in the form, or in a cookie set when the
owner opens the edit link (HttpOnly, SameSite=Strict: another site cannot post with it).
"""
from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api import collection_service, exports
from search_api.auth import token_matches
from search_api.deps import LibraryDep
from search_api.errors import ApiError, Forbidden
from search_api.routes.pages import render, url

router = APIRouter(include_in_schema=False)
COOKIE_PREFIX = "redprop_ck_"
COOKIE_DAYS = 365
NUMBER = re.compile(r"[0-9]{1,9}")


def _cookie(collection_id: str) -> str:
    return COOKIE_PREFIX + collection_id


def remembered(request: Request, library) -> list[dict]:
    """Collections whose edit key this browser holds (from opening their edit links)."""
    held = []
    for name, key in request.cookies.items():
        if name.startswith(COOKIE_PREFIX):
            collection_id = name[len(COOKIE_PREFIX):]
            try:
                collection_service.check_key(library, collection_id, key)
            except ApiError:
                continue
            held.append(collection_service.show(library, collection_id))
    return sorted(held, key=lambda view: view["updated_at"], reverse=True)


def _key(request: Request, collection_id: str, form) -> str | None:
    return form.get("key") or request.cookies.get(_cookie(collection_id))


def _back_to_editor(collection_id: str, key: str, anchor: str = "") -> RedirectResponse:
    response = RedirectResponse(url(f"/collections/{collection_id}/edit", {"key": key}) + anchor, status_code=303)
    _remember(response, collection_id, key)
    return response


def _remember(response: Response, collection_id: str, key: str) -> None:
    response.set_cookie(_cookie(collection_id), key, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="strict",
                        path="/")


def _failed(request: Request, error: ApiError) -> HTMLResponse:
    return render(request, "error.html", status=error.status, message=error.message)


@router.get("/collections", response_class=HTMLResponse)
def collections_page(request: Request, library: LibraryDep) -> HTMLResponse:
    return render(request, "collections.html", mine=remembered(request, library),
                  writes_enabled=bool(request.app.state.settings.write_token))


@router.post("/collections")
async def create_collection(request: Request, library: LibraryDep) -> Response:
    form = await request.form()
    expected = request.app.state.settings.write_token
    if not expected or not token_matches(str(form.get("token") or ""), expected):
        return _failed(request, Forbidden("新建合集需要正确的写入令牌(服务器的 REDPROP_TOKEN)"))
    try:
        created = collection_service.create(library, str(form.get("title") or ""), str(form.get("description") or ""))
        collection_id, key = created["collection_id"], created["edit_key"]
        if form.get("kind") and form.get("ref"):  # created from "加入合集": add the item straight away
            collection_service.add_item(library, collection_id, str(form["kind"]), str(form["ref"]),
                                        str(form.get("note") or ""))
    except ApiError as error:
        return _failed(request, error)
    return _back_to_editor(collection_id, key)


@router.get("/collections/add", response_class=HTMLResponse)
def add_page(request: Request, library: LibraryDep, kind: str = "", ref: str = "") -> HTMLResponse:
    """Pick one of this browser's collections (or make a new one) for a hit, document, passage or case."""
    try:
        _, label = collection_service.source_of(library, kind, ref) if kind in collection_service.KINDS else (None, None)
    except ApiError as error:
        return _failed(request, error)
    if label is None:
        return render(request, "error.html", status=400, message="加入合集需要 kind(document/passage/case)和 ref")
    return render(request, "collection_add.html", kind=kind, ref=ref, label=label,
                  kind_label=collection_service.KIND_LABELS[kind], mine=remembered(request, library),
                  writes_enabled=bool(request.app.state.settings.write_token))


@router.post("/collections/add")
async def add_item(request: Request, library: LibraryDep) -> Response:
    form = await request.form()
    collection_id = str(form.get("collection_id") or "")
    key = _key(request, collection_id, form)
    try:
        collection_service.check_key(library, collection_id, key)
        collection_service.add_item(library, collection_id, str(form.get("kind") or ""), str(form.get("ref") or ""),
                                    str(form.get("note") or ""))
    except ApiError as error:
        return _failed(request, error)
    return _back_to_editor(collection_id, key)


@router.get("/collections/{collection_id}", response_class=HTMLResponse)
def share_page(request: Request, library: LibraryDep, collection_id: str) -> HTMLResponse:
    try:
        view = collection_service.show(library, collection_id)
    except ApiError as error:
        return _failed(request, error)
    return render(request, "collection.html", view=view, editing=False, key=None)


@router.get("/collections/{collection_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, library: LibraryDep, collection_id: str, key: str = "") -> Response:
    key = key or request.cookies.get(_cookie(collection_id), "")
    try:
        collection_service.check_key(library, collection_id, key)
        view = collection_service.show(library, collection_id)
    except ApiError as error:
        return _failed(request, error)
    response = render(request, "collection.html", view=view, editing=True, key=key,
                      edit_link=str(request.base_url).rstrip("/") + collection_service.edit_url(collection_id, key),
                      share_link=str(request.base_url).rstrip("/") + f"/collections/{collection_id}")
    _remember(response, collection_id, key)
    return response


@router.post("/collections/{collection_id}/{action}")
async def change(request: Request, library: LibraryDep, collection_id: str, action: str) -> Response:
    """One form per change: details, move (up/down/position), note, remove, order (drag and drop), delete."""
    form = await request.form()
    key = _key(request, collection_id, form)
    item_id = _number(form.get("item_id")) or 0
    try:
        collection_service.check_key(library, collection_id, key)
        if action == "details":
            collection_service.update(library, collection_id, str(form.get("title") or ""),
                                      str(form.get("description") or ""))
        elif action == "move":
            collection_service.move_item(library, collection_id, item_id, _target(form))
        elif action == "note":
            collection_service.annotate(library, collection_id, item_id, str(form.get("note") or ""))
        elif action == "remove":
            collection_service.remove_item(library, collection_id, item_id)
        elif action == "order":
            ids = [number for part in str(form.get("order") or "").split(",") if (number := _number(part))]
            collection_service.reorder(library, collection_id, ids)
        elif action == "delete":
            collection_service.delete(library, collection_id)
            response = RedirectResponse("/collections", status_code=303)
            response.delete_cookie(_cookie(collection_id), path="/")
            return response
        else:
            return render(request, "error.html", status=404, message=f"没有这个操作:{action}")
    except ApiError as error:
        return _failed(request, error)
    return _back_to_editor(collection_id, key, f"#item-{item_id}" if item_id and action != "remove" else "")


def _number(value) -> int | None:
    """A form field as a positive id or position (up to nine digits: anything longer is no item of ours)."""
    text = str(value or "").strip()
    return int(text) if NUMBER.fullmatch(text) else None


def _target(form) -> int:
    """The 1-based position a move form asks for: an explicit number, or one up / down from the current one."""
    position = _number(form.get("position")) or 1
    direction = form.get("direction")
    if direction == "up":
        return max(1, position - 1)
    if direction == "down":
        return position + 1
    return position


@router.get("/collections/{collection_id}/print", response_class=HTMLResponse)
def print_page(request: Request, library: LibraryDep, collection_id: str) -> HTMLResponse:
    try:
        view = collection_service.show(library, collection_id)
    except ApiError as error:
        return _failed(request, error)
    from search_api.teaching_pack import figure_groups, references

    return render(request, "collection_print.html", view=view, cited=references(view), figure_groups=figure_groups)


@router.get("/collections/{collection_id}/download/{fmt}")
def download(request: Request, library: LibraryDep, collection_id: str, fmt: str) -> Response:
    try:
        file = exports.collection_file(library, collection_id, fmt)
    except ApiError as error:
        return _failed(request, error)
    return Response(file.data, media_type=file.media_type, headers={"Content-Disposition": file.disposition})
