"""Real headless Chromium (Debian's, through Playwright) against the app on a live local server,
with CSRF protection on as in production."""

import pytest

from tests.chromium import CHROMIUM


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="Chromium is installed by make test")
    for item in items:
        if CHROMIUM is None and "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True}


def _browser_page(browser, viewport: dict, is_mobile: bool):
    """A page in a context of its own; the shared `browser` fixture closes every context after
    the test (tests/chromium.py)."""
    return browser.new_context(viewport=viewport, is_mobile=is_mobile).new_page()


@pytest.fixture
def phone_page(browser):
    return _browser_page(browser, {"width": 390, "height": 844}, True)


@pytest.fixture
def desk_page(browser):
    return _browser_page(browser, {"width": 1280, "height": 900}, False)
