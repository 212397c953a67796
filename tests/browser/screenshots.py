"""`make screenshots`: PNGs of the search, document, case, metrics, practice and collection pages (laptop and phone width), so anyone
can look at the pages without starting a server. Usage: python tests/browser/screenshots.py OUTPUT_DIR"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from harness import UPLOAD_TOKEN, build_library, launch, missing_requirements, serve

QUERY = "红色物业"
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def shoot(base_url: str, out: Path, playwright) -> list[Path]:
    browser = launch(playwright)
    written: list[Path] = []
    for device, viewport in VIEWPORTS.items():
        page = browser.new_context(base_url=base_url, viewport=viewport, locale="zh-CN").new_page()
        for name, full_page in visit(page):
            path = out / f"{name}-{device}.png"
            page.screenshot(path=str(path), full_page=full_page)
            written.append(path)
        page.context.close()
    browser.close()
    return written


def visit(page):
    """Go to each page worth a look; yields (name, whole page?) once it is showing."""
    page.goto(f"/?q={QUERY}")
    yield "search", True
    page.locator(".hit h2 a").nth(1).click()
    page.wait_for_load_state()
    yield "document", False  # the view the reader lands on: the hit passage highlighted
    page.goto('/?q="协商议事会议"')
    page.locator(".hit h2 a").first.click()
    page.wait_for_load_state()
    yield "policy", False
    page.goto("/cases")
    cards = page.locator(".case-card h2 a")
    if cards.count():
        cards.first.click()
        page.wait_for_load_state()
    yield "case", True
    page.goto("/metrics")
    yield "metrics", True
    page.goto("/practices")
    page.locator("table.catalogue td a").first.click()
    page.wait_for_load_state()
    yield "practice", True
    edit_url, share_url = make_collection(page)
    page.goto(edit_url)
    yield "collection-edit", True
    page.goto(share_url + "/print")
    yield "collection-print", True
    page.goto("/?q=year:abc")
    yield "error", False


def make_collection(page) -> tuple[str, str]:
    """A collection of the first hits, a case and notes, made through the API; (edit link, share link)."""
    auth = {"Authorization": f"Bearer {UPLOAD_TOKEN}"}
    created = page.request.post("/api/collections", data={"title": "红色物业专题 第三讲", "description": "课堂讨论材料"},
                                headers=auth).json()
    items = page.request.get("/api/search", params={"q": QUERY, "size": 3}).json()["hits"]
    refs = [("passage", hit["passage_id"], "请注意这一段讲的做法") for hit in items]
    cases = page.request.get("/api/cases", params={"size": 1}).json()["cases"]
    refs += [("case", case["case_id"], "对照前面的报道") for case in cases]
    for kind, ref, note in refs:
        page.request.post(f"/api/collections/{created['collection_id']}/items",
                          data={"kind": kind, "ref": ref, "note": note}, headers=auth)
    return created["edit_url"], f"/collections/{created['collection_id']}"


def main(out: Path) -> int:
    reason = missing_requirements()
    if reason:
        print(f"无法截图:{reason}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        build_library(Path(work) / "home", Path(work))
        with serve(Path(work) / "home") as base_url:
            for path in shoot(base_url, out, playwright):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
