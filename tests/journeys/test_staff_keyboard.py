"""Staff pages work from the keyboard (issue 22): pressing Tab from the top of the page reaches
each main action, every stop shows a visible focus outline, and focus leaves the page at its end
(no keyboard trap: it comes back round to the browser, not stuck in a widget).

The pages are the demo's (its queues hold work), on a desktop, each for the account that uses it.
A main action is named by a CSS selector; every element it matches must be reached (at least one
must exist, or the test would prove nothing)."""

import pytest

from tcm_app.extensions import db
from tcm_app.services.demo import DEMO_PASSWORD, seed_demo
from tests.journeys.conftest import sign_in

# Everyone's: the main menu and signing out.
MENU = ("header nav.nav a", "header .account button")

# What the focused element is, whether the page shows where focus is (an outline of at least
# 2 px, or a box shadow), and a mark when focus has left the page's elements.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { left: true };
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const cls = el.classList.length ? "." + [...el.classList].slice(0, 2).join(".") : "";
  return {
    left: false, id: el.dataset.kbd || null, visible: outline || shadow,
    what: `${el.tagName.toLowerCase()}${cls} «${(el.innerText || el.value || "").slice(0, 16)}»`,
  };
}"""


def mark_actions(page, selectors) -> dict[str, str]:
    """Number each element a main action selector matches: {mark: "selector #n"}."""
    marks = {}
    for selector in selectors:
        count = page.locator(selector).count()
        assert count > 0, f"nothing on {page.url} matches {selector!r}"
        for n in range(count):
            mark = f"{len(marks)}"
            page.locator(selector).nth(n).evaluate("(el, mark) => el.dataset.kbd = mark", mark)
            marks[mark] = f"{selector} #{n + 1}"
    return marks


def tab_through(page, most: int) -> tuple[list[dict], bool]:
    """Tab from the top of the page until focus leaves the page (True) or `most` presses."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.mouse.click(1, 1)  # focus starts at the top of the document, not where a click left it
    stops = []
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["left"]:
            return stops, True
        stops.append(focused)
    return stops, False


@pytest.mark.parametrize(
    ("account", "path", "actions"),
    [
        pytest.param(
            "demo-doctor",
            "/workbench",
            ("section[aria-labelledby=queue-title] a",),
            id="doctor-workbench-reaches-each-visit",
        ),
        pytest.param(
            "demo-pharmacist",
            "/herbs/review",
            ("main table a.btn",),
            id="pharmacist-review-queue-reaches-each-review",
        ),
        pytest.param(
            "demo-decoction",
            "/decoction/queue",
            ("main a[href*='/decoction/orders/']",),
            id="decoction-board-reaches-each-order",
        ),
        pytest.param(
            "demo-clinic",
            "/treatments/calendar",
            ("main .cal-nav a.btn", "main .cal-filter select", "main .cal-filter button"),
            id="treatment-calendar-reaches-days-filters-and-show",
        ),
    ],
)
def test_staff_page_by_keyboard_alone(app, live_server, person, account, path, actions):
    seed_demo()
    db.session.commit()
    db.session.remove()
    page = person(account)
    sign_in(page, live_server, account, DEMO_PASSWORD)
    page.goto(f"{live_server}{path}")
    marks = mark_actions(page, (*MENU, *actions))
    focusable = page.locator("a[href], button, input:not([type=hidden]), select, [tabindex]")
    stops, left = tab_through(page, most=focusable.count() + 10)

    assert left, "focus never left the page: a keyboard trap at " + stops[-1]["what"]
    reached = {stop["id"] for stop in stops if stop["id"] is not None}
    assert [marks[m] for m in marks if m not in reached] == [], "not reached by Tab"
    assert [stop["what"] for stop in stops if not stop["visible"]] == [], "no visible focus"
