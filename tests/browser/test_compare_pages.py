"""The comparison pages in headless Chromium: the clause matrix (/compare) and the version diff (/diff)."""
from __future__ import annotations

import re

QUESTION = "维修资金怎么使用"


def test_matrix_keeps_its_state_in_the_url_and_shows_the_gap(page):
    page.goto("/compare")
    page.fill("#q", QUESTION)
    page.select_option("select[name=level]", "city")
    page.press("#q", "Enter")
    page.wait_for_selector("table.matrix")
    assert "level=city" in page.url and "q=" in page.url
    gaps = page.locator("table.matrix tr.gap")
    assert gaps.count() == 1 and "烟台市居民委员会工作办法" in gaps.locator("th").inner_text()
    assert "未见相关规定" in gaps.inner_text()
    page.locator("a", has_text="按日期").click()
    page.wait_for_url(re.compile(r"sort=date"))
    assert "level=city" in page.url  # sorting keeps the scope
    page.goto(page.url)  # the address alone rebuilds the same table
    assert page.locator("table.matrix tr.gap").count() == 1
    assert page.locator("select[name=level]").input_value() == "city"


def test_each_cell_has_a_citation_with_its_clause(page):
    page.goto(f"/compare?q={QUESTION}")
    citation = page.locator("table.matrix tr.answered input[readonly]").first.input_value()
    assert re.search(r"\[Z\]\. \d{4}-\d{2}-\d{2}: 第[一二三四五六七八九十百]+条\.$", citation)
    runner_up = page.locator("table.matrix details summary").first
    runner_up.click()
    assert page.locator("table.matrix details[open]").count() == 1


def test_first_column_stays_visible_when_the_table_scrolls(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"/compare?q={QUESTION}")
    scroller = page.locator(".matrix-scroll")
    first = page.locator("table.matrix tbody th.sticky").first
    left = first.bounding_box()["x"]
    scroller.evaluate("el => el.scrollLeft = el.scrollWidth")
    assert scroller.evaluate("el => el.scrollLeft") > 100, "the table is wider than a phone"
    assert abs(first.bounding_box()["x"] - left) < 2
    for address in (f"/compare?q={QUESTION}", "/diff"):  # only the table scrolls, never the page
        page.goto(address)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), address
    context.close()


def test_diff_of_two_versions(page):
    page.goto("/diff")
    options = page.locator("select[name=a] option", has_text="淄博市物业管理条例")
    old, new = (options.nth(i).get_attribute("value") for i in (0, 1))
    page.select_option("select[name=a]", old)
    page.select_option("select[name=b]", new)
    page.locator(".diff-form button").click()
    page.wait_for_selector("table.diff")
    assert f"a={old}" in page.url and f"b={new}" in page.url
    summary = page.locator(".summary").inner_text()
    assert "新增 1 条" in summary and "删除 1 条" in summary and "移动 2 条" in summary
    changed = page.locator("table.diff tr.changed").first
    assert changed.locator("del").inner_text() == "五" and changed.locator("ins").first.inner_text() == "三"
    assert page.locator("table.diff tr.moved").first.locator("td").nth(2).inner_text() == "第四条"
