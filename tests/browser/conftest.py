"""Real headless Chromium (Debian's, through Playwright) against the app on a live local server,
with CSRF protection on as in production."""

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


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="Chromium is installed by make test")
    for item in items:
        if CHROMIUM is None and "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True}


def _browser_page(viewport: dict, is_mobile: bool):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser.new_page(viewport=viewport, is_mobile=is_mobile)
        browser.close()


@pytest.fixture
def phone_page():
    yield from _browser_page({"width": 390, "height": 844}, True)


@pytest.fixture
def desk_page():
    yield from _browser_page({"width": 1280, "height": 900}, False)
