"""Every staff page works from the keyboard alone (issue 22), not only the four main queues of
test_staff_keyboard.py: each demo staff account follows the links of its pages from its home
(one page per URL shape, tests/a11y/walk.py), and on each page pressing Tab from the top

- reaches every visible control (links, buttons, fields, selects, summaries; a radio group is one
  stop, so radios are left out of the count),
- shows where focus is at every stop (an outline of 2 px or more, or a box shadow),
- and leaves the page at its end (no keyboard trap).

Slow by nature (a key press per control on some 80 pages), so one test per account."""

from urllib.parse import urlsplit

import pytest

from tcm_app.extensions import db
from tcm_app.services.demo import DEMO_PASSWORD, seed_demo
from tests.a11y.walk import is_html_page, links_on, url_shape
from tests.journeys.conftest import sign_in
from tests.journeys.test_staff_keyboard import FOCUSED

STAFF = ["doctor", "pharmacist", "decoction", "clinic", "therapist", "admin", "quality"]
PAGES_PER_ACCOUNT = 40

# Number every visible control a Tab should reach; return how many.
MARK_CONTROLS = """() => {
  const selector = "a[href], button:not([disabled]), select:not([disabled]),"
    + " textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1']),"
    + " input:not([type=hidden]):not([type=radio]):not([disabled])";
  let n = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest("[inert]") || !el.checkVisibility({ visibilityProperty: true })) continue;
    if (el.getAttribute("tabindex") === "-1") continue;
    el.dataset.kbd = String(n++);
  }
  return n;
}"""


def tab_from_the_top(page, most: int) -> tuple[list[dict], bool]:
    """Tab from the page as loaded (focus at the document's start: the skip link comes first)
    until focus leaves the page or comes round to its first stop again (True: Chromium does
    either after the last control), or `most` presses."""
    stops: list[dict] = []
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        came_round = bool(stops) and focused.get("id") is not None and focused == stops[0]
        if focused["left"] or came_round:
            return stops, True
        stops.append(focused)
    return stops, False


def keyboard_problems(page) -> list[str]:
    where = urlsplit(page.url).path
    controls = page.evaluate(MARK_CONTROLS)
    # A time field is several stops in Chromium (hour, minute, and the picker: four on the
    # clinic's weekly hours): room for five each.
    stops, left = tab_from_the_top(page, most=5 * controls + 20)
    problems = []
    if not left:
        before = [stop["what"] for stop in stops[-8:-1]]
        problems.append(
            f"{where}: focus never left the page in {len(stops)} presses for {controls}"
            f" controls (a trap at {stops[-1]['what']}; before it {before})"
        )
    reached = {stop["id"] for stop in stops if stop["id"] is not None}
    missed = controls - len(reached & {str(n) for n in range(controls)})
    if missed:
        unreached = page.evaluate(
            """(reached) => [...document.querySelectorAll("[data-kbd]")]
                 .filter((el) => !reached.includes(el.dataset.kbd))
                 .slice(0, 5).map((el) => `${el.tagName.toLowerCase()} «${
                   (el.innerText || el.value || el.name || "").trim().slice(0, 16)}»`)""",
            sorted(reached),
        )
        problems.append(f"{where}: {missed} of {controls} controls not reached: {unreached}")
    problems += [f"{where}: no visible focus on {s['what']}" for s in stops if not s["visible"]]
    return problems


@pytest.mark.parametrize("role", STAFF, ids=[f"every page of demo-{r}" for r in STAFF])
def test_every_staff_page_by_keyboard_alone(app, live_server, person, role):
    seed_demo()
    db.session.commit()
    db.session.remove()
    page = person(role)
    sign_in(page, live_server, f"demo-{role}", DEMO_PASSWORD)
    queue, seen, pages, problems = [page.url], set(), [], []
    while queue and len(pages) < PAGES_PER_ACCOUNT:
        url = queue.pop(0)
        if url_shape(url) in seen:
            continue
        seen.add(url_shape(url))
        if not is_html_page(page, url):
            continue
        response = page.goto(url)
        if response is None or response.status >= 400 or not page.url.startswith(live_server):
            continue
        seen.add(url_shape(page.url))
        page.wait_for_load_state("load")
        links = links_on(page, live_server)  # before tabbing: a focused control may open things
        pages.append(urlsplit(page.url).path)
        problems += keyboard_problems(page)
        queue += links
    assert len(pages) >= 3, pages  # the walk went past the home page
    assert problems == [], "\n".join(problems)
