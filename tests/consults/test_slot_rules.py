"""Slots from weekly sessions and exceptions, and the booking and waiting-room windows. Pure."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from consults.slots import (
    ScheduleException,
    Slot,
    WeeklySession,
    bookable,
    generate_slots,
    session_problems,
    waiting_room_open,
)
from tcm_app.common.errors import ValidationError

pytestmark = pytest.mark.pure
SHANGHAI = ZoneInfo("Asia/Shanghai")
TUESDAY = date(2026, 12, 1)
BEFORE = datetime(2026, 11, 30, tzinfo=UTC)
TUESDAY_MORNING = WeeklySession(1, time(9, 0), time(12, 0), 15)


def slots_on(day, sessions, exceptions=(), now=BEFORE):
    return generate_slots(list(sessions), list(exceptions), day, 1, SHANGHAI, now)


def test_tuesday_morning_gives_twelve_quarter_hours_in_utc():
    found = slots_on(TUESDAY, [TUESDAY_MORNING])
    assert len(found) == 12
    assert found[0].starts_at == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    assert found[-1].ends_at == datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


CASES = [
    (
        "a 50-minute session gives three 15-minute slots",
        [WeeklySession(1, time(9), time(9, 50), 15)],
        (),
        3,
    ),
    ("another weekday gives none", [WeeklySession(2, time(9), time(12), 15)], (), 0),
    ("a closed day gives none", [TUESDAY_MORNING], [ScheduleException(TUESDAY, True)], 0),
    (
        "replacement hours replace the weekly session",
        [TUESDAY_MORNING],
        [ScheduleException(TUESDAY, False, ((time(14), time(15), 30),))],
        2,
    ),
    (
        "overlapping sessions give no duplicate slots",
        [TUESDAY_MORNING, WeeklySession(1, time(11), time(13), 15)],
        (),
        16,
    ),
]


@pytest.mark.parametrize(
    "sessions,exceptions,count", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_slot_generation(sessions, exceptions, count):
    assert len(slots_on(TUESDAY, sessions, exceptions)) == count


def test_past_slots_are_dropped():
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    assert len(slots_on(TUESDAY, [TUESDAY_MORNING], now=now)) == 8


@pytest.mark.parametrize("days,code", [(0, "bad_range"), (63, "range_too_long")])
def test_range_limits(days, code):
    with pytest.raises(ValidationError) as exc:
        generate_slots([TUESDAY_MORNING], [], TUESDAY, days, SHANGHAI, BEFORE)
    assert exc.value.code == code


def test_a_naive_now_is_refused():
    with pytest.raises(ValueError):
        slots_on(TUESDAY, [TUESDAY_MORNING], now=datetime(2026, 11, 30))


SESSIONS = [
    ("end before start", WeeklySession(1, time(12), time(9), 15), ["end_before_start"]),
    ("3-minute slots", WeeklySession(1, time(9), time(12), 3), ["bad_slot_length"]),
    ("shorter than a slot", WeeklySession(1, time(9), time(9, 10), 15), ["shorter_than_a_slot"]),
    ("weekday 7", WeeklySession(7, time(9), time(12), 15), ["bad_weekday"]),
    ("a good session", TUESDAY_MORNING, []),
]


@pytest.mark.parametrize("session,codes", [c[1:] for c in SESSIONS], ids=[c[0] for c in SESSIONS])
def test_session_validation(session, codes):
    assert session_problems(session) == codes


SLOT = Slot(datetime(2026, 12, 1, 1, 0, tzinfo=UTC), datetime(2026, 12, 1, 1, 15, tzinfo=UTC))
WINDOWS = [
    ("booking 10 minutes ahead is allowed", bookable, SLOT.starts_at - timedelta(minutes=10), True),
    ("booking 9 minutes ahead is too late", bookable, SLOT.starts_at - timedelta(minutes=9), False),
    ("booking 30 days ahead is allowed", bookable, SLOT.starts_at - timedelta(days=30), True),
    ("booking 31 days ahead is too early", bookable, SLOT.starts_at - timedelta(days=31), False),
    (
        "the room opens 15 minutes before",
        waiting_room_open,
        SLOT.starts_at - timedelta(minutes=15),
        True,
    ),
    ("not 16 minutes before", waiting_room_open, SLOT.starts_at - timedelta(minutes=16), False),
    (
        "open until 30 minutes after the end",
        waiting_room_open,
        SLOT.ends_at + timedelta(minutes=30),
        True,
    ),
    (
        "closed 31 minutes after the end",
        waiting_room_open,
        SLOT.ends_at + timedelta(minutes=31),
        False,
    ),
]


@pytest.mark.parametrize("rule,now,expected", [c[1:] for c in WINDOWS], ids=[c[0] for c in WINDOWS])
def test_windows_around_a_slot(rule, now, expected):
    assert rule(SLOT, now) is expected
