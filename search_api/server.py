"""Serving with uvicorn, accepting what people actually type: `curl '…/api/search?q=红色物业'`.

curl sends the query's UTF-8 bytes unescaped. h11 (uvicorn's HTTP parser) rejects any request line with bytes
outside visible ASCII, and Starlette would read such bytes as Latin-1. So we widen h11's request-line pattern
for the query part only (the path stays strict ASCII, which uvicorn requires) and percent-encode those bytes
before the application sees them.
"""
from __future__ import annotations

import multiprocessing
import re
import signal
import socket
from collections.abc import Callable
from urllib.parse import quote_from_bytes

import h11._events
import h11._readers

# Same shape as h11's request target, but the query may hold non-ASCII bytes (no controls, no spaces).
LENIENT_TARGET = rb"[\x21-\x3e\x40-\x7e]+(?:\?[^\x00-\x20\x7f]*)?"
LENIENT_REQUEST_LINE = re.compile(
    rb"(?P<method>[-!#$%&'*+.^_`|~0-9a-zA-Z]+) (?P<target>" + LENIENT_TARGET + rb") HTTP/(?P<http_version>[0-9]\.[0-9])"
)
QUERY_SAFE = "&=+%;/?:@,$!'()*~[]|^`{}\"<>#\\"
UVICORN_OPTIONS = {"http": "h11", "access_log": False}  # h11: the parser widened below; RequestLog logs requests


def allow_utf8_query_strings() -> None:
    h11._readers.request_line_re = LENIENT_REQUEST_LINE
    h11._events.request_target_re = re.compile(LENIENT_TARGET)


class Utf8QueryMiddleware:
    """Percent-encodes raw non-ASCII bytes in the query string so every layer reads them as UTF-8."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and any(byte > 0x7F for byte in scope.get("query_string", b"")):
            # In place: uvicorn's access log reads this same scope and expects ASCII.
            scope["query_string"] = quote_from_bytes(scope["query_string"], safe=QUERY_SAFE).encode("ascii")
        await self.app(scope, receive, send)


def serve(app, host: str, port: int) -> None:
    import uvicorn

    allow_utf8_query_strings()
    uvicorn.run(app, host=host, port=port, **UVICORN_OPTIONS)


def serve_workers(make_app: Callable[[], object], host: str, port: int, workers: int) -> None:
    """`workers` processes, each listening on its own socket bound to the same port (SO_REUSEPORT), so the kernel
    spreads new connections over them. uvicorn's --workers shares one listening socket, and asyncio accepts every
    pending connection on one wake-up: the bench's 8 connections all went to one of two workers
    (`bench.run`'s `api_process_cpu_seconds`). `make_app` is called in each worker (it must pickle)."""
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker, args=(make_app, host, port), daemon=True) for _ in range(workers)]
    for process in processes:
        process.start()

    def stop(signum, frame):
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.join()


def _worker(make_app: Callable[[], object], host: str, port: int) -> None:
    import uvicorn

    allow_utf8_query_strings()
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    config = uvicorn.Config(make_app(), **UVICORN_OPTIONS)
    uvicorn.Server(config).run(sockets=[sock])
