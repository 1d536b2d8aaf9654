"""Journeys: real Chromium through the rendered pages, as each user performs the work.

Every page a journey opens is watched: a 5xx answer, a console error, an uncaught script error or
an English sentence in the visible text of a Chinese page fails the journey at its end (with the
list of everything seen). Journeys run once per `make test`, on SQLite (see tests/conftest.py).

axe-core runs on every document a journey loads (tests/a11y/axe.py, WCAG 2.1 A/AA rules): a
violation fails the journey too (issue 22), and everything found is summed up at the end of the
run. The run starts after each page's load event; a page the journey leaves before axe is done is
not checked (axe's run is cut off with its document), the pages open at the journey's end always
are. TCM_AXE=0 turns axe off for a quicker local run; `make test` never sets it."""

import contextlib
from pathlib import Path

import pytest

from tests.a11y import axe
from tests.chromium import CHROMIUM

WATCH_SCRIPT = (Path(__file__).parent / "watch.js").read_text(encoding="utf-8")
# How Chromium refuses our injected watch.js in a sandboxed page (an uploaded file shown inline).
SANDBOXED_WATCH_SCRIPT = "the document's frame is sandboxed and the 'allow-scripts' permission"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="Chromium is installed by make test")
    for item in items:
        if CHROMIUM is None and "tests/journeys" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True}


class Watcher:
    """Collects what must never happen on a page a person uses."""

    def __init__(self):
        self.problems: list[str] = []
        self.expected: list[str] = []

    def expect(self, text: str) -> None:
        """Allow console errors containing `text` (a journey step that is refused on purpose, e.g.
        "status of 422"); everything else still fails the journey."""
        self.expected.append(text)

    def axe_result(self, who: str, result) -> None:
        self.problems += [f"{who}: {problem}" for problem in axe.problems(result)]

    def attach(self, page, who: str) -> None:
        page.on("response", lambda r: self._response(who, r))
        page.on("console", lambda m: self._console(who, m))
        page.on("pageerror", lambda e: self.problems.append(f"{who}: script error: {e}"))

    def _response(self, who, response):
        if response.status >= 500:
            self.problems.append(f"{who}: {response.status} from {response.url}")

    def _console(self, who, message):
        if message.type == "error" and not any(text in message.text for text in self.expected):
            if SANDBOXED_WATCH_SCRIPT in message.text:
                return  # our own watch.js, refused in a sandboxed view of an uploaded file
            where = message.page.url if message.page else "?"
            self.problems.append(f"{who}: console error on {where}: {message.text}")


@pytest.fixture
def watcher():
    return Watcher()


@pytest.fixture
def person(browser, watcher):
    """`person("patient", phone=True)` opens a page for one person, in a context of their own
    (cookies apart from the others'), watched for 5xx, console errors and English."""
    contexts = []

    def open_page(who: str, phone: bool = False):
        screen = PHONE if phone else DESKTOP
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **screen)
        context.add_init_script(WATCH_SCRIPT)
        if axe.enabled():
            axe.watch_context(context, who, lambda result: watcher.axe_result(who, result))
        contexts.append(context)
        # Every page of this person is watched, tabs they open (a document, a PDF) included.
        context.on("page", lambda opened: watcher.attach(opened, who))
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        for page in context.pages:
            scan_now(page)
            axe_now(page)
        context.close()
    assert watcher.problems == [], "\n".join(watcher.problems)


def scan_now(page) -> None:
    """Run the English scan the page may still have pending (watch.js waits for changes to
    settle): its report arrives before evaluate returns. Pages without watch.js (a PDF, a
    sandboxed upload) have nothing to run."""
    from playwright.sync_api import Error

    if page.is_closed():
        return
    with contextlib.suppress(Error):  # a page closing or crashed meanwhile has nothing to report
        page.evaluate("() => window.__watchScanNow && window.__watchScanNow()")


def axe_now(page) -> None:
    """Finish (or start) axe's run on the page still open at the journey's end: its findings
    arrive before evaluate returns."""
    from playwright.sync_api import Error

    if page.is_closed():
        return
    with contextlib.suppress(Error):  # a page closing or crashed meanwhile has nothing to report
        page.evaluate(axe.RUN_NOW)


def sign_in(page, base: str, username: str, password: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
