"""End to end in headless Chromium: search, narrow, read, cite, and never run markup from documents."""
from __future__ import annotations

import re

from harness import HOSTILE_NAME, XSS_PAYLOADS

QUERY = "红色物业"


def search(page, text: str) -> None:
    page.goto("/")
    page.fill("#q", text)
    page.press("#q", "Enter")
    page.wait_for_selector(".hits, .message")


def test_typed_query_lands_in_the_url_and_lists_documents(page):
    search(page, QUERY)
    assert "q=%E7%BA%A2%E8%89%B2%E7%89%A9%E4%B8%9A" in page.url
    assert page.locator(".hit").count() >= 5
    assert page.locator(".hit mark").first.inner_text() == QUERY


def test_clicking_a_facet_narrows_and_is_shareable(page):
    search(page, QUERY)
    link = page.locator('[data-facet="type"] a', has_text="政策法规")
    expected = int(link.locator("xpath=following-sibling::span[@class='count']").inner_text())
    link.click()
    page.wait_for_url(re.compile(r"type=policy"))
    assert page.locator(".hit").count() == expected
    assert all("政策法规" in meta for meta in page.locator(".hit .meta").all_inner_texts())
    shared = page.url
    page.goto(shared)  # the same address shows the same narrowed result
    assert page.locator(".chip", has_text="政策法规").count() == 1
    page.locator(".chip", has_text="政策法规").click()
    assert "type=" not in page.url


def test_opening_a_hit_scrolls_to_its_highlighted_passage(page):
    search(page, QUERY)
    title = page.locator(".hit h2 a").nth(2)
    anchor = title.get_attribute("href").split("#", 1)[1]
    title.click()
    page.wait_for_url(re.compile("/documents/"))
    target = page.locator(f"[id='{anchor}']")
    assert target.evaluate("el => el.matches(':target')")
    assert target.locator("mark").count() >= 1
    box, height = target.bounding_box(), page.viewport_size["height"]
    assert box["y"] >= 0 and box["y"] < height, "the hit passage is scrolled into view"
    background = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_document_offers_citation_and_similar_passages(page):
    search(page, QUERY)
    page.locator(".hit h2 a").first.click()
    citation = page.input_value("#citation")
    assert citation.endswith(".") and "[N]" in citation
    similar = page.locator(".passage .tools a", has_text="相似段落").first
    similar.click()
    page.wait_for_selector(".hits, .message")
    assert "q=" in page.url and page.locator(".hit").count() >= 1


def test_policy_document_has_a_clause_outline(page):
    search(page, '"协商议事会议"')
    page.locator(".hit h2 a").first.click()
    outline = page.locator(".outline a")
    assert outline.all_inner_texts()[:4] == ["第一条", "第二条", "第三条", "第四条"]
    outline.nth(3).click()
    target = page.locator(".passage:target")
    assert "公共收益" in target.inner_text()


def test_markup_in_documents_renders_as_text(page):
    search(page, "红色物业测试")
    hostile = page.locator(".hit", has_text="红色物业测试")
    assert XSS_PAYLOADS[0] in hostile.locator("h2").inner_text()
    assert HOSTILE_NAME in hostile.locator(".meta").inner_text()
    hostile.locator("h2 a").click()
    page.wait_for_url(re.compile("/documents/"))
    body = page.locator("article.document").inner_text()
    for payload in XSS_PAYLOADS:
        assert payload in body
    page.goto("/")
    assert HOSTILE_NAME in page.locator(".doclist").inner_text()
    assert page.locator("article svg, article img, .hits svg, .hits img, .doclist svg").count() == 0
    assert page.evaluate("window.__xss") is None and page.dialogs == []


def test_core_search_works_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.fill("#q", QUERY)
    page.click("form.search button")
    page.wait_for_selector(".hits")
    assert page.locator(".hit").count() >= 5
    context.close()


def test_phone_width_has_no_sideways_scrolling(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    for address in (f"/?q={QUERY}", "/cases", "/metrics", "/upload"):
        page.goto(address)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), address
    page.goto(f"/?q={QUERY}")
    page.locator(".hit h2 a").first.click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_opening_a_case_shows_its_card_with_evidence(page):
    page.goto("/cases")
    card = page.locator(".case-card").first
    title = card.locator("h2").inner_text()
    card.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/cases/"))
    assert page.locator("h2").first.inner_text() == title
    assert page.locator(".place-chain a").count() >= 1
    evidence = page.locator(".evidence a").first
    anchor = evidence.get_attribute("href").split("#", 1)[1]
    evidence.click()
    page.wait_for_url(re.compile("/documents/"))
    assert page.locator(f"[id='{anchor}']").evaluate("el => el.matches(':target')")


def test_metrics_page_draws_one_bar_per_row_in_the_chart_unit(page):
    page.goto("/metrics")
    bars = page.locator("figure.chart g.bar")
    assert bars.count() >= 1
    widths = [float(w) for w in bars.locator("rect").evaluate_all("els => els.map(e => e.getAttribute('width'))")]
    assert widths == sorted(widths, reverse=True)


# Browsers percent-encode a quote in an uploaded file's name, so this name carries markup without one.
UPLOADED_HOSTILE_NAME = "<img src=x onerror=window.__xss=5>.exe"


def test_upload_shows_a_result_per_file(page):
    from harness import UPLOAD_TOKEN

    page.goto("/upload")
    page.wait_for_url(re.compile(r"/login\?next=%2Fupload"))  # uploading needs a session opened with the write token
    page.fill("#token", UPLOAD_TOKEN)
    page.click("form.login button")
    page.wait_for_url(re.compile(r"/upload$"))
    assert not page.locator('[data-state="upload-disabled"]').count(), "a write token is configured: uploads are on"
    page.set_input_files("#files", [
        {"name": "新上传的报道.txt", "mimeType": "text/plain",
         "buffer": "社区议事会\n\n新上传的报道谈到社区议事会每月开一次。\n".encode()},
        {"name": UPLOADED_HOSTILE_NAME, "mimeType": "application/octet-stream", "buffer": b"MZ\x00\x01"},
    ])
    page.click("form.upload button")
    rows = page.locator(".upload-results tbody tr")
    rows.first.wait_for()
    texts = rows.all_inner_texts()
    assert any("新上传的报道.txt" in row and "已导入" in row for row in texts)
    assert any(UPLOADED_HOSTILE_NAME in row and "失败" in row for row in texts)
    assert page.locator(".upload-results img").count() == 0 and page.evaluate("window.__xss") is None
    page.locator(".upload-results tr.ok a").first.click()  # the new document opens from its result
    page.wait_for_url(re.compile("/documents/"))
    assert "新上传的报道" in page.locator("article.document").inner_text()
