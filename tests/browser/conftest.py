"""Fixtures for the browser tests: one served library and one Chromium per session, a fresh page per test."""
from __future__ import annotations

import pytest
from harness import build_library, launch, missing_requirements, serve

REASON = missing_requirements()


@pytest.fixture(scope="session")
def base_url(tmp_path_factory) -> str:
    work = tmp_path_factory.mktemp("browser")
    build_library(work / "home", work)
    with serve(work / "home") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if REASON:
        pytest.skip(REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()
