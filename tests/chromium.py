"""Debian's Chromium through Playwright, for the browser tests and the journeys: one Playwright
and one Chromium per test process (starting them costs most of a second of CPU each time), and
each test in contexts of its own (cookies, storage and cache apart), closed when it ends."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def playwright():
    """Playwright's sync API runs once per thread: every browser of the process comes from here
    (a test that needs other flags, such as a fake camera, launches its own from it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def chromium(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser(chromium):
    """The shared Chromium; the contexts (and their pages) a test opens close after it."""
    yield chromium
    for context in chromium.contexts:
        context.close()
