"""The served app, as curl reaches it: raw UTF-8 in the query string must work."""
import json
import os
import socket
import subprocess
import sys
import time

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raw_get(port: int, target: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.fixture(scope="module")
def served(corpus_library):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from search_api.cli import main; main()", "serve", "--home", str(corpus_library.home),
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_raw_utf8_query_like_curl_sends_it(served):
    status, body = raw_get(served, "/api/search?q=红色物业".encode())
    assert status == 200
    hits = json.loads(body)["hits"]
    assert hits and all("红色物业" in hit["text"] for hit in hits)


def test_percent_encoded_query_still_works(served):
    status, body = raw_get(served, b"/api/search?q=%E4%B8%9A%E8%B4%A6%E7%A4%BE%E7%AE%A1")
    assert status == 200 and "业账社管" in json.loads(body)["hits"][0]["text"]


def test_workers_each_listen_on_the_port_and_stop_with_the_server(corpus_library):
    """`serve --workers 2`: two processes answer on one port (each its own socket, SO_REUSEPORT, so the kernel
    spreads connections over them), raw UTF-8 queries included; stopping the server stops them."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from search_api.cli import main; main()", "serve", "--home", str(corpus_library.home),
         "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline, answered = time.time() + 60, False
        while time.time() < deadline and not answered:
            try:
                answered = raw_get(port, b"/healthz")[0] == 200
            except OSError:
                time.sleep(0.2)
        assert answered
        workers = [int(pid) for pid in subprocess.run(["pgrep", "-P", str(process.pid), "-f", "spawn_main"],
                                                      check=False, capture_output=True, text=True).stdout.split()]
        assert len(workers) >= 2
        statuses = {raw_get(port, "/api/search?q=红色物业".encode())[0] for _ in range(12)}
        assert statuses == {200}
    finally:
        process.terminate()
        process.wait(timeout=20)
    deadline = time.time() + 20
    while time.time() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
