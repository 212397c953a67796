"""Documents by URL: fetch a web page, PDF, Word or OFD file over http(s), safely, for the parsers to read.

Only http and https; at most MAX_REDIRECTS redirects, each checked like the first URL; connect and read
timeouts and an overall deadline; a size limit enforced while the body streams in; only the content types of
formats we parse. No request ever reaches a private, loopback, link-local or otherwise non-public address
(SSRF): the check runs where the socket is opened, on the address actually connected to, so a host name that
resolves differently the second time (DNS rebinding) gains nothing. REDPROP_ALLOW_PRIVATE_URLS=1 lifts it
(tests run a local server; an intranet deployment may want it). The bytes are then read by the same parsers,
with the same decoding rules, as a file of that format.
"""
from __future__ import annotations

import ipaddress
import os
import socket
import time
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from ingest.errors import IngestError, LimitExceeded

MIB = 2**20
MAX_REDIRECTS = 5
CONNECT_SECONDS = 10.0
READ_SECONDS = 30.0
TOTAL_SECONDS = 120.0  # a server trickling bytes forever is abandoned
DEFAULT_MAX_BYTES = 50 * MIB  # REDPROP_MAX_FETCH_BYTES; as large as an upload may be
USER_AGENT = "redprop/0.1 (document ingest)"
# Content types we parse → the suffix that picks the parser.
CONTENT_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "application/ofd": ".ofd",
}
# Servers often label files as generic bytes; then the URL's own suffix must name one of these formats.
GENERIC_TYPES = {"application/octet-stream", "binary/octet-stream", "application/x-download", "application/download"}
GENERIC_SUFFIXES = {".pdf", ".docx", ".doc", ".wps", ".ofd"}
ALLOW_PRIVATE_ENV = "REDPROP_ALLOW_PRIVATE_URLS"


class FetchError(IngestError):
    code = "fetch_error"


@dataclass
class Fetched:
    requested: str  # the URL asked for
    url: str  # where the content was found, after redirects
    data: bytes
    suffix: str  # picks the parser: ".html", ".pdf", …


def private_allowed() -> bool:
    return os.environ.get(ALLOW_PRIVATE_ENV, "") in ("1", "true", "yes")


def max_bytes_from_env() -> int:
    value = os.environ.get("REDPROP_MAX_FETCH_BYTES")
    return int(value) if value else DEFAULT_MAX_BYTES


def fetch(url: str, max_bytes: int | None = None, allow_private: bool | None = None) -> Fetched:
    """The document at `url`, or FetchError / LimitExceeded naming the URL and the reason."""
    max_bytes = max_bytes or max_bytes_from_env()
    allow_private = private_allowed() if allow_private is None else allow_private
    deadline = time.monotonic() + TOTAL_SECONDS
    timeout = httpx.Timeout(READ_SECONDS, connect=CONNECT_SECONDS)
    with httpx.Client(transport=_transport(allow_private), timeout=timeout, follow_redirects=False,
                      headers={"User-Agent": USER_AGENT}, trust_env=False) as client:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            _check_url(url, current)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(url, f"服务器返回跳转({response.status_code})但没有给出地址")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(url, f"服务器返回错误 {response.status_code}")
                    suffix = _suffix(url, current, response.headers.get("content-type", ""))
                    data = _read_limited(url, response, max_bytes, deadline)
                    return Fetched(url, current, data, suffix)
            except BlockedAddress as blocked:
                raise FetchError(url, str(blocked)) from None
            except httpx.TimeoutException:
                raise FetchError(url, f"连接或读取超时(连接 {CONNECT_SECONDS:g} 秒,读取 {READ_SECONDS:g} 秒)") from None
            except (httpx.HTTPError, httpx.InvalidURL, UnicodeError, ValueError) as error:
                raise FetchError(url, f"无法获取({type(error).__name__}: {error})") from None
        raise FetchError(url, f"跳转超过 {MAX_REDIRECTS} 次,已放弃")


def _check_url(url: str, current: str) -> None:
    try:
        parts = urlsplit(current)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as error:
        raise FetchError(url, f"网址格式不正确({error})") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(url, f"只支持 http/https 网址(遇到 {parts.scheme or '无协议'}:{current})")
    if not parts.hostname:
        raise FetchError(url, f"网址缺少主机名:{current}")


def _suffix(url: str, current: str, content_type: str) -> str:
    kind = content_type.split(";")[0].strip().lower()
    if kind in CONTENT_TYPES:
        return CONTENT_TYPES[kind]
    named = PurePosixPath(urlsplit(current).path).suffix.lower()
    if kind in GENERIC_TYPES and named in GENERIC_SUFFIXES:
        return named
    allowed = "、".join(sorted({suffix.lstrip(".") for suffix in CONTENT_TYPES.values()}))
    raise FetchError(url, f"不支持的内容类型 {kind or '(未声明)'};只导入 {allowed}")


def _read_limited(url: str, response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise LimitExceeded(url, f"内容大小 {int(declared) // MIB} MB 超过上限 {max_bytes // MIB} MB")
    chunks, received = [], 0
    for chunk in response.iter_bytes():
        received += len(chunk)
        if received > max_bytes:
            raise LimitExceeded(url, f"内容超过上限 {max_bytes / MIB:g} MB,已停止下载")
        if time.monotonic() > deadline:
            raise FetchError(url, f"下载超过 {TOTAL_SECONDS:g} 秒,已放弃")
        chunks.append(chunk)
    return b"".join(chunks)


# --- the address check, where sockets are opened -----------------------------------------------------------

class BlockedAddress(Exception):
    """A host resolving to an address we never connect to (raised inside httpcore, turned into FetchError)."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves the host itself, refuses non-public addresses, and connects to the address it checked."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise httpcore.ConnectError(f"无法解析主机名 {host}({error.strerror})") from None
        addresses = [info[4][0] for info in found]
        blocked = [address for address in addresses if not is_public(address)]
        if blocked:
            raise BlockedAddress(f"拒绝访问内网、本机或链路本地地址 {host}({blocked[0]});"
                                 f"如确需访问,设置 {ALLOW_PRIVATE_ENV}=1")
        return super().connect_tcp(addresses[0], port, timeout, local_address, socket_options)


def _transport(allow_private: bool) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(retries=0)
    if not allow_private:
        # httpx has no public hook for the connection backend; its pool's is replaced (tested: the local
        # test server is refused without REDPROP_ALLOW_PRIVATE_URLS).
        transport._pool._network_backend = _GuardedBackend()
    return transport
