"""The served app, as curl reaches it: raw UTF-8 in the query string must work."""
import json
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
