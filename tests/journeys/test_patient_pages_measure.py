"""The patient's pages on a phone, measured as a finger and an eye meet them (issue 22): no touch
target under 44x44 CSS px, no text under 14 px, no sideways scroll at 200 % zoom.

The pages: the sign-in and registration pages a patient opens first, then every page the demo's
patient reaches by following links from their home page (one page per URL shape: ids and query
values left out, as `make a11y` does; GET only, never signing out, switching the language or
downloading a file). What is measured, and how, is tests/a11y/measure.py:

- a touch target is a link, button, form control or summary; a label and its control are one
  target (tapping the label ticks the box). Exempt, as WCAG 2.5.5 and 2.5.8 exempt a target
  "in a sentence or block of text": links that are inline inside running text, whose height is
  the line's, and a taller one would push the lines of the text apart. On the demo the only one
  is the source citation after a sentence of constitution advice (a.cq-source «[1]», a footnote
  mark in the text); links standing alone as an action (返回…, 忘记密码？, a list's entry, a
  name to choose) are full targets (class target-link). A failure lists what was exempted, so
  a stand-alone link wrongly taken for an inline one shows up;
- text: the computed font size of every visible text node (text clipped to 1 px for screen
  readers left out);
- 200 % zoom: a viewport half as wide and high at device scale 1 (195x422 for the 390x844
  phone), which is what browser zoom does to the layout viewport and the media queries.

A mode is a parameter. The normal one; and the elderly mode (长辈模式, a per-user setting that adds
a stylesheet): the demo patient switches it on from her home page, then the same walk runs with
text of 20 px or more (the body's, and all text but an SVG chart's labels, which are drawn at the
chart's scale and keep the 14 px floor of every mode), starting from her list pages as well (in
the mode her menu holds only the main tasks; a list page shows five items with 查看更多). The
sign-in pages come before anyone's setting, so only the normal mode measures them."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tcm_app.extensions import db
from tcm_app.services.demo import DEMO_PASSWORD, seed_demo
from tests.a11y import measure
from tests.a11y.walk import is_html_page, links_on
from tests.a11y.walk import url_shape as shape
from tests.journeys.conftest import PHONE, sign_in

PATIENT = "demo-patient"
FIRST_PAGES = ("/login", "/register")
MOST_PAGES = 60


@dataclass(frozen=True)
class Mode:
    name: str
    smallest_text_px: float
    switch_on: Callable = lambda page, base: None  # the normal mode needs nothing
    first_pages: tuple[str, ...] = FIRST_PAGES  # measured before signing in
    also: tuple[str, ...] = ()  # walked from as well as from the home page
    least_pages: int = 20  # the walk reached the patient's pages, not just the home page
    body_px: float = 0  # the body's font size at least
    # The smallest text outside SVG charts at least (a chart's labels are drawn at the chart's
    # scale; they keep smallest_text_px of every mode).
    text_outside_charts_px: float = 0


def switch_elder_mode_on(page, base: str) -> None:
    page.get_by_role("button", name="长辈模式：关").first.click()
    page.wait_for_load_state()
    assert page.locator(".elder-tasks").count() == 1, "the elderly home did not open"


# The patient's list pages (the menu's, and the messages): in the elderly mode a few per screen.
ELDER_LISTS = (
    "/herbs/mine",
    "/decoction/orders",
    "/treatments/",
    "/external_rx/mine",
    "/followup/mine",
    "/quality/mine",
    "/inbox",
)

MODES = [
    pytest.param(Mode("normal", measure.SMALLEST_TEXT_PX), id="normal-mode"),
    pytest.param(
        Mode(
            "elder",
            measure.SMALLEST_TEXT_PX,
            switch_elder_mode_on,
            first_pages=(),
            also=ELDER_LISTS,
            least_pages=15,
            body_px=20,
            text_outside_charts_px=20,
        ),
        id="elder-mode",
    ),
]


class Figures:
    """What the pages showed, page by page, for the assertion messages."""

    def __init__(self):
        self.pages: list[str] = []
        self.small_targets: list[str] = []
        self.exempt: list[str] = []
        self.small_text: list[str] = []
        self.sideways: list[str] = []
        self.small_body: list[str] = []

    def take(self, page, path: str, mode: Mode) -> None:
        self.pages.append(path)
        found = measure.targets(page)
        self.exempt += [f"{path}: {t['what']} «{t['text']}»" for t in found if t["inline"]]
        self.small_targets += [
            f"{path}: {t['what']} «{t['text']}» {t['width']}x{t['height']}"
            for t in found
            if not t["inline"] and (t["width"] < measure.TARGET or t["height"] < measure.TARGET)
        ]
        body = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        if body < mode.body_px:
            self.small_body.append(f"{path}: body text {body:g} px")
        if mode.text_outside_charts_px:
            outside = measure.smallest_text(page, outside_charts=True)
            if outside and outside["size"] < mode.text_outside_charts_px:
                self.small_body.append(
                    f"{path}: {outside['size']:g} px in {outside['where']} «{outside['text']}»"
                )
        smallest = measure.smallest_text(page)
        if smallest and smallest["size"] < mode.smallest_text_px:
            self.small_text.append(
                f"{path}: {smallest['size']:g} px in {smallest['where']} «{smallest['text']}»"
            )
        zoom = measure.zoomed(page, PHONE["viewport"])
        if measure.scrolls_sideways(zoom):
            widest = zoom["widest"] or {"where": "text overflowing its box", "right": "?"}
            self.sideways.append(
                f"{path}: {zoom['scroll']} px wide in {zoom['width']}, {widest['where']}"
                f" reaching {widest['right']} px"
            )


def visit(page, url: str) -> bool:
    response = page.goto(url)
    if response is None or response.status >= 400:
        return False
    page.wait_for_load_state("load")
    return True


@pytest.mark.parametrize("mode", MODES)
def test_patient_pages_have_big_targets_readable_text_and_no_sideways_scroll_at_200(
    app, live_server, person, mode
):
    seed_demo()
    db.session.commit()
    db.session.remove()
    page = person("patient", phone=True)
    figures = Figures()
    for path in mode.first_pages:
        assert visit(page, f"{live_server}{path}"), path
        figures.take(page, path, mode)

    sign_in(page, live_server, PATIENT, DEMO_PASSWORD)
    mode.switch_on(page, live_server)
    queue, seen = [page.url, *(f"{live_server}{path}" for path in mode.also)], set()
    while queue and len(figures.pages) < MOST_PAGES:
        url = queue.pop(0)
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        if not is_html_page(page, url) or not visit(page, url):
            continue
        if not page.url.startswith(live_server) or shape(page.url) in seen - {shape(url)}:
            continue  # left the app, or redirected to a page already measured
        seen.add(shape(page.url))
        figures.take(page, urlsplit(page.url).path, mode)
        queue += links_on(page, live_server)

    # The walk reached the patient's pages, not just the home page (a broken menu would pass).
    assert len(figures.pages) >= mode.least_pages, figures.pages
    assert set(mode.also) <= set(figures.pages), figures.pages  # the list pages were measured
    print(f"{mode.name} mode: {len(figures.pages)} pages measured")
    exempt = "\n".join(["exempt (inline in text):", *sorted(set(figures.exempt))])
    assert figures.small_targets == [], "\n".join([*figures.small_targets, exempt])
    assert figures.small_text == [], "\n".join(figures.small_text)
    assert figures.small_body == [], "\n".join(figures.small_body)
    assert figures.sideways == [], "\n".join(figures.sideways)
