"""A bounded HTTP load on 127.0.0.1: a few keep-alive connections sending GETs back to back.

Hand-written on asyncio streams rather than an HTTP client library so the load generator, which shares the
two cores with the server, spends as little CPU per request as possible.
"""
from __future__ import annotations

import asyncio
import time
from urllib.parse import quote


async def _connection(host: str, port: int, paths: list[str], start: int, deadline: float, stats: dict,
                      requests: int | None) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    index = start
    try:
        while time.perf_counter() < deadline and (requests is None or index - start < requests):
            path = paths[index % len(paths)]
            index += 1
            sent = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            stats["latencies"].append(time.perf_counter() - sent)
            stats["ok" if status == 200 else "errors"] += 1
    except (OSError, asyncio.IncompleteReadError, StopIteration, ValueError):
        stats["errors"] += 1
    finally:
        writer.close()


async def _run(host: str, port: int, paths: list[str], connections: int, seconds: float,
               requests: int | None) -> dict:
    stats = {"ok": 0, "errors": 0, "latencies": []}
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_connection(host, port, paths, i * 7, deadline, stats, requests)
                           for i in range(connections)))
    stats["seconds"] = time.perf_counter() - started
    return stats


def search_paths(texts: list[str]) -> list[str]:
    return [f"/api/search?q={quote(text)}" for text in texts]


def run_load(host: str, port: int, paths: list[str], connections: int = 8, seconds: float = 10.0,
             requests: int | None = None) -> dict:
    """`connections` connections sending `paths` in turn for `seconds` (or until each has sent `requests`)."""
    return asyncio.run(_run(host, port, paths, connections, seconds, requests))
