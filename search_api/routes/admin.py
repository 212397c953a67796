"""Writes: POST /api/documents (upload, or URLs to fetch), DELETE /api/documents/{doc_id}, POST /api/reindex. Bearer token only.

Uploads are parsed from the raw request stream with a byte budget, so an oversized request is refused
(413) before it is spooled to disk; the write token is checked before any of the body is read.
"""
from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from index.store.library import WriteLockTimeout
from search_api import writes
from search_api.auth import WriteAccess
from search_api.deps import LibraryDep
from search_api.errors import BadRequest, Conflict, TooLarge
from search_api.settings import MIB, Settings

router = APIRouter(prefix="/api", tags=["admin"], dependencies=[WriteAccess])

UPLOAD_FIELD = "files"
URLS_FIELD = "urls"
MAX_URL_CHARS = 2000
MAX_URLS_BODY = MIB  # a JSON list of addresses is small
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {"schema": {
                "type": "object", "required": [UPLOAD_FIELD],
                "properties": {UPLOAD_FIELD: {"type": "array", "items": {"type": "string", "format": "binary"}}},
            }},
            "application/json": {"schema": {
                "type": "object", "required": [URLS_FIELD],
                "properties": {URLS_FIELD: {"type": "array", "minItems": 1,
                                            "items": {"type": "string", "maxLength": MAX_URL_CHARS}}},
            }},
        },
    }
}
INGEST_ANSWER = {"description": "每个文件的结果,格式同 redprop ingest --json", "content": {"application/json": {}}}


def _mib(size: int) -> str:
    return f"{size / MIB:g} MB"


async def _limited(request: Request, budget: int) -> AsyncIterator[bytes]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > budget:
            raise TooLarge(f"上传内容超过上限 {_mib(budget)}(REDPROP_MAX_REQUEST_BYTES)")
        yield chunk


async def read_uploads(request: Request, settings: Settings) -> tuple[list[writes.Upload], dict[str, str]]:
    """The uploaded files and the form's text fields (the upload page's CSRF token), within the size limits."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_request_bytes:
        raise TooLarge(f"上传内容超过上限 {_mib(settings.max_request_bytes)}(REDPROP_MAX_REQUEST_BYTES)")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise BadRequest(f"请用 multipart/form-data 上传文件(字段名 {UPLOAD_FIELD}),"
                         f'或用 JSON {{"{URLS_FIELD}": [...]}} 按网址导入')
    parser = MultiPartParser(request.headers, _limited(request, settings.max_request_bytes),
                             max_files=settings.max_upload_files, max_fields=settings.max_upload_files)
    try:
        form = await parser.parse()
    except MultiPartException as error:
        if error.message.startswith("Too many"):
            raise TooLarge(f"一次最多上传 {settings.max_upload_files} 个文件(REDPROP_MAX_UPLOAD_FILES)") from None
        raise BadRequest(f"上传内容不是有效的 multipart/form-data({error.message})") from None
    try:
        files = [item for item in form.getlist(UPLOAD_FIELD) if isinstance(item, UploadFile)]
        if not files:
            raise BadRequest(f"没有收到文件:请用字段 {UPLOAD_FIELD} 上传一个或多个文件")
        fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
        uploads = []
        for item in files:
            if item.size is not None and item.size > settings.max_upload_bytes:
                raise TooLarge(f"{writes.display_name(item.filename)}: 文件超过上限 {_mib(settings.max_upload_bytes)}"
                               "(REDPROP_MAX_UPLOAD_BYTES)")
            uploads.append(writes.Upload(item.filename or "", await item.read()))
        return uploads, fields
    finally:
        await form.close()


async def _read_urls(request: Request, settings: Settings) -> list[str]:
    body = b"".join([chunk async for chunk in _limited(request, MAX_URLS_BODY)])
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(f'请求体不是有效的 JSON;按网址导入请发送 {{"{URLS_FIELD}": ["https://…"]}}') from None
    urls = data.get(URLS_FIELD) if isinstance(data, dict) else None
    if not isinstance(urls, list) or not urls or not all(isinstance(url, str) for url in urls):
        raise BadRequest(f'按网址导入请发送 {{"{URLS_FIELD}": ["https://…"]}}(非空的网址列表)')
    if len(urls) > settings.max_upload_files:
        raise TooLarge(f"一次最多导入 {settings.max_upload_files} 个网址(REDPROP_MAX_UPLOAD_FILES)")
    if any(len(url) > MAX_URL_CHARS for url in urls):
        raise BadRequest(f"网址过长(超过 {MAX_URL_CHARS} 个字符)")
    return urls


@router.post("/documents", openapi_extra=UPLOAD_BODY, responses={200: INGEST_ANSWER, 422: INGEST_ANSWER})
async def upload_documents(request: Request, library: LibraryDep) -> JSONResponse:
    """上传并导入一个或多个文件(multipart,字段 files),或按网址获取并导入(JSON:{"urls": [...]});
    全部失败时返回 422。"""
    settings: Settings = request.app.state.settings
    if request.headers.get("content-type", "").startswith("application/json"):
        urls = await _read_urls(request, settings)
        answer, status = await _answer(run_in_threadpool(
            writes.ingest_urls, library, settings.fetched_dir, urls, settings.parse_limits, settings.write_lock_wait,
            max_bytes=settings.max_fetch_bytes, allow_private=settings.allow_private_urls))
    else:
        uploads, _ = await read_uploads(request, settings)
        answer, status = await ingest_uploads(request, uploads)
    return JSONResponse(answer, status_code=status)


async def ingest_uploads(request: Request, uploads: list[writes.Upload]) -> tuple[dict, int]:
    """Store and ingest the uploads (API and upload page alike): the answer and its status, 422 if all failed."""
    settings: Settings = request.app.state.settings
    return await _answer(run_in_threadpool(writes.ingest_uploads, request.app.state.library, settings.uploads_dir,
                                           uploads, settings.parse_limits, settings.write_lock_wait,
                                           settings.ingest_workers))


async def _answer(ingesting) -> tuple[dict, int]:
    """The ingest answer and its status (422 if every file failed); 409 while another write holds the lock."""
    try:
        answer = await ingesting
    except WriteLockTimeout as error:
        raise Conflict(error.message) from None
    all_failed = answer["failed"] and not (answer["ingested"] or answer["unchanged"])
    if all_failed:
        answer["error"] = "所有文件都未能导入:" + ";".join(entry["error"] for entry in answer["failed"])
    return answer, 422 if all_failed else 200


@router.delete("/documents/{doc_id}")
def delete_document(request: Request, library: LibraryDep, doc_id: str) -> dict:
    """从存储和索引中删除一篇文档,连同其上传的文件、案例与查重签名;转载它的文档改以最早的转载为原文。"""
    settings: Settings = request.app.state.settings
    try:
        return writes.delete_document(library, doc_id, settings.write_lock_wait, settings.uploads_dir)
    except WriteLockTimeout as error:
        raise Conflict(error.message) from None


@router.post("/reindex")
def reindex(request: Request, library: LibraryDep) -> dict:
    """从存储重建整个索引(一次提交,读者看到旧索引或新索引)。"""
    try:
        return writes.reindex(library, request.app.state.settings.write_lock_wait)
    except WriteLockTimeout as error:
        raise Conflict(error.message) from None
