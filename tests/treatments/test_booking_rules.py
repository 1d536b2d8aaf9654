"""Booking rules (treatments/booking_rules.py): which moves a booking's status allows and the
patients' cut-off, refused with a BookingError whose code the pages and the API show."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from treatments.booking_rules import BookingError, CancelPolicy, require_move

pytestmark = pytest.mark.pure
STARTS = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
POLICY = CancelPolicy(24, ZoneInfo("Asia/Shanghai"))

MOVES = [
    ("a booked session may be cancelled", "cancel", "booked", None),
    ("a checked-in session may be completed", "complete", "checked_in", None),
    ("a cancelled session is not checked in", "check_in", "cancelled", "booking_cancelled"),
    ("a completed session is not cancelled", "cancel", "completed", "booking_completed"),
    ("a no-show is not completed", "complete", "no_show", "booking_no_show"),
    ("a checked-in session is not cancelled", "cancel", "checked_in", "wrong_booking_status"),
]


@pytest.mark.parametrize("action,status,code", [m[1:] for m in MOVES], ids=[m[0] for m in MOVES])
def test_moves_by_status(action, status, code):
    if code is None:
        require_move(action, status)
        return
    with pytest.raises(BookingError) as refused:
        require_move(action, status)
    assert (refused.value.code, refused.value.message) == (code, f"this booking is {status}")


CHANGES = [
    ("a patient a day and a minute ahead", timedelta(hours=24, minutes=1), False, None),
    ("a patient an hour ahead", timedelta(hours=1), False, "past_cancel_cutoff"),
    ("staff an hour ahead", timedelta(hours=1), True, None),
    ("staff once it has started", timedelta(0), True, "booking_started"),
]


@pytest.mark.parametrize(
    "ahead,by_staff,code", [c[1:] for c in CHANGES], ids=[c[0] for c in CHANGES]
)
def test_changes_before_the_start(ahead, by_staff, code):
    if code is None:
        POLICY.require_changeable(STARTS, STARTS - ahead, by_staff)
        return
    with pytest.raises(BookingError) as refused:
        POLICY.require_changeable(STARTS, STARTS - ahead, by_staff)
    assert refused.value.code == code


def test_the_cut_off_is_named_in_clinic_time():
    with pytest.raises(BookingError) as refused:
        POLICY.require_changeable(STARTS, STARTS - timedelta(hours=1), by_staff=False)
    assert "until 2026-12-02 09:00;" in refused.value.message
