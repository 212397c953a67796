"""Structured logs: one JSON line per HTTP request and per ingested file, on stderr.

Loggers live under "redprop" (redprop.http, redprop.ingest); fields go in `extra=` and become JSON keys.
"""
from __future__ import annotations

import logging
import sys
import time

from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ROOT_LOGGER = "redprop"
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
http_log = logging.getLogger("redprop.http")


def setup_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for every redprop logger at `level` (the caller's REDPROP_LOG_LEVEL). Idempotent."""
    logger = logging.getLogger(ROOT_LOGGER)
    logger.setLevel(level.upper())
    if not any(getattr(handler, "redprop", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter(FORMAT, rename_fields={"asctime": "time", "levelname": "level"},
                                           json_ensure_ascii=False))
        handler.redprop = True
        logger.addHandler(handler)
    logger.propagate = False


class RequestLog:
    """ASGI middleware: logs method, path, status and duration once the response is sent."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            client = scope.get("client")
            http_log.info("request", extra={
                "method": scope["method"], "path": scope["path"],
                "status": status, "ms": round((time.perf_counter() - started) * 1000, 1),
                "client": client[0] if client else None,
            })
