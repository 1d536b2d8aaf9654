"""The two findings axe-core made on the demo (issue 22) stay fixed: a work queue's last column
(the action buttons) has a header a screen reader can read, and the language switch is a
labelled navigation, not a role-less div with an aria-label. axe itself checks each page
(tests/a11y/axe.py), on the demo data where it found them."""

import pytest

from tcm_app.extensions import db
from tcm_app.services.demo import DEMO_PASSWORD, seed_demo
from tests.a11y import axe
from tests.journeys.conftest import sign_in

FIXED_RULES = {"empty-table-header", "aria-prohibited-attr"}


def findings(result: axe.PageResult) -> set[str]:
    """Every rule axe raised on the page, whether violated or left for review."""
    found = result.violations + result.best_practice + result.incomplete
    return {finding.rule for finding in found}


@pytest.mark.parametrize(
    ("account", "path"),
    [
        pytest.param("demo-pharmacist", "/herbs/review", id="prescription-review-queue"),
        pytest.param("demo-pharmacist", "/external_rx/queue", id="outside-prescription-queue"),
        pytest.param("demo-doctor", "/followup/", id="follow-up-worklist"),
    ],
)
def test_a_work_queue_names_its_action_column(app, live_server, person, account, path):
    seed_demo()
    db.session.commit()
    db.session.remove()
    page = person(account)
    sign_in(page, live_server, account, DEMO_PASSWORD)
    page.goto(f"{live_server}{path}")
    assert page.locator("table thead th").count() > 1, "the queue shows no table to check"
    assert page.locator("table thead th").last.inner_text() == "操作"
    assert findings(axe.scan(page)) & FIXED_RULES == set()


def test_the_language_switch_is_a_labelled_navigation(live_server, person):
    page = person("visitor")
    page.goto(f"{live_server}/login")
    switch = page.get_by_role("navigation", name="语言")
    assert switch.get_by_role("link", name="English").is_visible()
    assert findings(axe.scan(page)) & FIXED_RULES == set()
