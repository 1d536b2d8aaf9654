"""When an adverse reaction must reach the national monitoring system (followup/reaction_rules.py,
《药品不良反应报告和监测管理办法》第二十条)."""

from datetime import date

import pytest

from followup.reaction_rules import is_serious, report_due

pytestmark = pytest.mark.pure
LEARNED = date(2026, 3, 2)


@pytest.mark.parametrize(
    "severity, due, serious",
    [
        ("death", date(2026, 3, 2), True),
        ("serious", date(2026, 3, 17), True),
        ("moderate", date(2026, 4, 1), False),
        ("mild", date(2026, 4, 1), False),
    ],
    ids=[
        "a death is reported at once (the same day)",
        "a serious reaction within 15 days",
        "a moderate one within 30 days",
        "a mild one within 30 days",
    ],
)
def test_a_report_is_due(severity, due, serious):
    assert report_due(LEARNED, severity) == due
    assert is_serious(severity) is serious


def test_an_unknown_severity_has_no_due_date():
    with pytest.raises(ValueError):
        report_due(LEARNED, "awful")
