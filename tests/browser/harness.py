"""Serve the app on 127.0.0.1 and drive Debian's Chromium with Playwright: shared by the browser tests and
the screenshot command. Never downloads a browser."""
from __future__ import annotations

import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from index.store.library import Library
from index.write.pipeline import ingest_paths
from search_api.app import create_app
from search_api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_SECONDS = 15
UPLOAD_TOKEN = "browser-test-write-token"

# Markup a hostile or careless source could carry; every page must show it as text and never run it.
XSS_PAYLOADS = (
    "<script>window.__xss=1</script>",
    "<img src=x onerror=window.__xss=2>",
    '"><svg onload=window.__xss=3>',
)
HOSTILE_NAME = '"><svg onload=window.__xss=4>.txt'
HOSTILE_TEXT = f"""红色物业测试{XSS_PAYLOADS[0]}标题

第一段讲红色物业如何进小区,原文里夹着一段标记 {XSS_PAYLOADS[1]} 只能当作文字显示。

第二段同样谈到红色物业与业主委员会协商议事,又有 {XSS_PAYLOADS[2]} 这样的字符。
"""
# A short regulation written for these tests: chapters and clauses, so the document page has an outline.
POLICY_NAME = "测试物业管理条例.txt"
POLICY_TEXT = """某市物业管理试行条例

第一章 总则

第一条 为了规范物业管理活动,推进红色物业建设,制定本条例。

第二条 本条例适用于本市行政区域内的物业管理及其监督管理活动。

第二章 业主委员会

第三条 业主委员会应当在社区党组织领导下开展工作,定期召开协商议事会议。

第四条 物业服务企业应当公开物业服务收费标准和公共收益收支情况。
"""


def build_library(home: Path, work: Path) -> Library:
    """The seed corpus plus the hostile page, the test regulation and the comparison tests' regulations
    (tests/compare_fixtures.py: four places, two versions of one title), ingested into `home`."""
    if str(ROOT / "tests") not in sys.path:  # run as a script (make screenshots), tests/ is not on the path
        sys.path.append(str(ROOT / "tests"))
    from compare_fixtures import write_regulations

    files = work / "files"
    shutil.copytree(CORPUS, files)
    write_regulations(files / "regulations")
    (files / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
    (files / POLICY_NAME).write_text(POLICY_TEXT, encoding="utf-8")
    library = Library(home)
    report = ingest_paths([files], library)
    assert not report.failed, report.to_json()["failed"]
    return library


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(home: Path) -> Iterator[str]:
    """The app over `home` (writes allowed with UPLOAD_TOKEN), served by uvicorn in a background thread;
    yields its base URL."""
    port = free_port()
    app = create_app(Settings(home=home, write_token=UPLOAD_TOKEN))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"测试服务器未能在 {SERVER_START_SECONDS} 秒内启动(端口 {port})")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def missing_requirements() -> str | None:
    """Why the browser tests cannot run here (None when they can): `make test` installs both."""
    if not CHROMIUM.exists():
        return f"缺少 {CHROMIUM}:运行 make test(会用 apt 安装 chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "缺少 playwright:运行 make install-test"
    return None
