"""Concurrent searches against a served app while an ingest runs; prints requests, errors, p50/p99 latency.

Bounded and local: serves on 127.0.0.1 (a free port), ingests a generated corpus with the CLI in another
process, and runs CONCURRENCY search loops with httpx until the ingest ends (or --max-seconds passes).

    .venv/bin/python bench/load_during_ingest.py --files 300 --concurrency 8
"""
from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from crash_helpers import COMMON_WORD, REDPROP, write_corpus

QUERIES = [COMMON_WORD, "红色物业", "业主委员会", "加装电梯", "\"社区党委\"", "物业 AND 党建", "停车 OR 电梯"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not become healthy")


async def search_loop(client: httpx.AsyncClient, worker: int, done: asyncio.Event, latencies: list[float],
                      errors: list[str]) -> None:
    turn = worker
    while not done.is_set():
        query = QUERIES[turn % len(QUERIES)]
        turn += 1
        started = time.perf_counter()
        try:
            response = await client.get("/api/search", params={"q": query, "size": 10})
            if response.status_code != 200:
                errors.append(f"{response.status_code} {response.text[:100]}")
        except httpx.HTTPError as error:
            errors.append(type(error).__name__)
        latencies.append(time.perf_counter() - started)


async def run(base: str, ingest: subprocess.Popen, concurrency: int, max_seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    done = asyncio.Event()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        loops = [asyncio.create_task(search_loop(client, n, done, latencies, errors)) for n in range(concurrency)]
        started = time.monotonic()
        while ingest.poll() is None and time.monotonic() - started < max_seconds:
            await asyncio.sleep(0.1)
        done.set()
        await asyncio.gather(*loops)
        elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies), "errors": len(errors), "error_samples": errors[:5],
        "seconds": round(elapsed, 1), "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        home, port = Path(scratch) / "home", free_port()
        subprocess.run([REDPROP, "ingest", str(ROOT / "corpus"), "--home", str(home)], check=True, capture_output=True)
        corpus = write_corpus(Path(scratch) / "corpus", args.files)
        server = subprocess.Popen([REDPROP, "serve", "--home", str(home), "--host", "127.0.0.1", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_healthy(base)
            httpx.get(f"{base}/api/search", params={"q": COMMON_WORD}, timeout=60)  # load jieba before timing
            ingest_started = time.monotonic()
            ingest = subprocess.Popen([REDPROP, "ingest", str(corpus), "--home", str(home), "--json"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            result = asyncio.run(run(base, ingest, args.concurrency, args.max_seconds))
            output, _ = ingest.communicate(timeout=args.max_seconds)
            report = json.loads(output)
            result |= {"ingest_files": args.files, "ingest_seconds": round(time.monotonic() - ingest_started, 1),
                       "ingested": len(report["ingested"]), "ingest_failed": len(report["failed"]),
                       "concurrency": args.concurrency,
                       "final_total": httpx.get(f"{base}/api/search", params={"q": COMMON_WORD}).json()["total"]}
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
