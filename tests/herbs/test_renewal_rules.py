"""Repeat prescription rules (herbs/renewal_rules.py): what may be renewed, when, how often."""

from datetime import date, timedelta

import pytest

from herbs.renewal_rules import RenewalFacts, RenewalLimits, renewal_refusal

pytestmark = pytest.mark.pure
TODAY = date(2026, 6, 1)
LIMITS = RenewalLimits(window_days=90, max_in_a_row=3)


def facts(status="used", days_ago=10, in_a_row=0, pending=False) -> RenewalFacts:
    return RenewalFacts(status, TODAY - timedelta(days=days_ago), TODAY, in_a_row, pending)


CASES = [
    ("a dispensed prescription of 10 days ago is renewed", facts(), None),
    ("one signed 90 days ago is still renewed", facts(days_ago=90), None),
    ("one signed 91 days ago is too late", facts(days_ago=91), "renewal_too_late"),
    ("an approved one is still usable, not renewed", facts("approved"), "prescription_still_valid"),
    ("an expired one is not renewed", facts("expired"), "not_renewable"),
    ("a withdrawn one is not renewed", facts("void"), "not_renewable"),
    ("a returned one is not renewed", facts("rejected"), "not_renewable"),
    ("one waiting for review is not renewed", facts("pending_review"), "not_renewable"),
    ("a second request while one waits is refused", facts(pending=True), "renewal_pending"),
    ("the second renewal in a row is allowed", facts(in_a_row=2), None),
    ("after three renewals in a row, in person", facts(in_a_row=3), "in_person_needed"),
]


@pytest.mark.parametrize("given, code", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_renewal_rules(given, code):
    refused = renewal_refusal(given, LIMITS)
    assert (refused.code if refused else None) == code
