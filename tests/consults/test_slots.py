"""Consult slots from weekly sessions and day exceptions, and the booking and waiting-room windows
around a slot. Pure: no app, no database."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from consults.slots import (
    ScheduleException,
    Slot,
    SlotError,
    WeeklySession,
    bookable,
    generate_slots,
    overlaps,
    session_problems,
    waiting_room_open,
)

pytestmark = pytest.mark.pure

SHANGHAI = ZoneInfo("Asia/Shanghai")
TUESDAY = date(2026, 12, 1)
WEDNESDAY = TUESDAY + timedelta(days=1)
LONG_BEFORE = datetime(2026, 11, 1, tzinfo=UTC)
TUESDAY_MORNING = WeeklySession(1, time(9), time(12), 15)


def utc(hour, minute=0, day=TUESDAY):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def slots_on(sessions, exceptions=(), now=LONG_BEFORE, day=TUESDAY, days=1, zone=SHANGHAI):
    return generate_slots(list(sessions), list(exceptions), day, days, zone, now)


def starts(found):
    return [slot.starts_at for slot in found]


def test_tuesday_morning_gives_twelve_quarter_hours_from_0100_utc():
    found = slots_on([TUESDAY_MORNING])
    assert starts(found) == [utc(1) + timedelta(minutes=15 * i) for i in range(12)]
    assert all(slot.ends_at - slot.starts_at == timedelta(minutes=15) for slot in found)
    assert found[-1].ends_at == utc(4)  # 12:00 in Shanghai
    assert all(slot.starts_at.tzinfo is UTC for slot in found)


COUNTS = [
    ("a 50-minute session gives 3 slots, the 5-minute rest is none", [(1, 9, 9, 50, 15)], (), 3),
    ("a session on another weekday gives none", [(2, 9, 12, 0, 15)], (), 0),
    ("a closed day gives none", [(1, 9, 12, 0, 15)], [ScheduleException(TUESDAY, True)], 0),
    (
        "an exception on another day leaves Tuesday alone",
        [(1, 9, 12, 0, 15)],
        [ScheduleException(WEDNESDAY, True)],
        12,
    ),
    (
        "replacement hours replace the weekly session",
        [(1, 9, 12, 0, 15)],
        [ScheduleException(TUESDAY, False, ((time(14), time(15), 30),))],
        2,
    ),
    (
        "replacement hours open a day without weekly sessions",
        [],
        [ScheduleException(TUESDAY, False, ((time(14), time(15), 20),))],
        3,
    ),
    ("overlapping sessions give no duplicates", [(1, 9, 12, 0, 15), (1, 11, 13, 0, 15)], (), 16),
    ("the same session twice gives it once", [(1, 9, 12, 0, 15), (1, 9, 12, 0, 15)], (), 12),
]


@pytest.mark.parametrize(
    "sessions,exceptions,count", [c[1:] for c in COUNTS], ids=[c[0] for c in COUNTS]
)
def test_slot_counts(sessions, exceptions, count):
    weekly = [WeeklySession(w, time(h), time(eh, em), m) for w, h, eh, em, m in sessions]
    assert len(slots_on(weekly, exceptions)) == count


def test_replacement_hours_are_the_only_hours_of_the_day():
    found = slots_on(
        [TUESDAY_MORNING], [ScheduleException(TUESDAY, False, ((time(14), time(15), 30),))]
    )
    assert starts(found) == [utc(6), utc(6, 30)]  # 14:00 and 14:30 in Shanghai


def test_overlapping_sessions_keep_the_earlier_slot_and_no_overlap():
    sessions = [
        WeeklySession(1, time(9), time(10), 20),
        WeeklySession(1, time(9, 10), time(10), 15),
    ]
    found = slots_on(sessions)
    assert starts(found) == [utc(1), utc(1, 20), utc(1, 40)]
    assert not any(overlaps(a, b) for a, b in pairwise(found))


def test_slots_of_several_days_are_sorted_by_start():
    sessions = [WeeklySession(2, time(8), time(9), 30), TUESDAY_MORNING]
    found = slots_on(sessions, days=2)
    assert len(found) == 14
    assert starts(found) == sorted(starts(found))
    assert found[-1].starts_at == utc(0, 30, day=WEDNESDAY)


PAST = [
    ("a slot starting exactly now is kept", utc(2), 8),
    ("a slot that started a minute ago is dropped", utc(2, 1), 7),
    ("after the session nothing is left", utc(4), 0),
]


@pytest.mark.parametrize("now,count", [c[1:] for c in PAST], ids=[c[0] for c in PAST])
def test_slots_that_start_before_now_are_dropped(now, count):
    assert len(slots_on([TUESDAY_MORNING], now=now)) == count


def test_a_slot_hidden_by_an_earlier_one_stays_hidden_once_that_one_is_past():
    sessions = [
        WeeklySession(1, time(9), time(10), 60),
        WeeklySession(1, time(9, 30), time(11), 30),
    ]
    now = utc(1, 10)  # 09:10 in Shanghai: the 09:00-10:00 slot has started
    assert starts(slots_on(sessions, now=now)) == [utc(2), utc(2, 30)]


def test_every_slot_lasts_its_length_across_a_dst_change():
    new_york = ZoneInfo("America/New_York")
    sunday = date(2026, 11, 1)  # clocks go back at 02:00: the night has one more hour
    found = slots_on([WeeklySession(6, time(1), time(3), 30)], day=sunday, zone=new_york)
    assert len(found) == 6
    assert all(slot.ends_at - slot.starts_at == timedelta(minutes=30) for slot in found)


RANGES = [
    ("zero days is a bad range", 0, "bad_range"),
    ("negative days is a bad range", -1, "bad_range"),
    ("63 days is too long", 63, "range_too_long"),
]


@pytest.mark.parametrize("days,code", [c[1:] for c in RANGES], ids=[c[0] for c in RANGES])
def test_range_limits(days, code):
    with pytest.raises(SlotError) as refused:
        slots_on([TUESDAY_MORNING], days=days)
    assert refused.value.code == code


@pytest.mark.parametrize("days,count", [(1, 12), (62, 9 * 12)], ids=["one day", "62 days"])
def test_ranges_within_the_limits(days, count):
    assert len(slots_on([TUESDAY_MORNING], days=days)) == count


INVALID_HOURS = [
    ("a zero-minute weekly slot", [WeeklySession(1, time(9), time(12), 0)], ()),
    (
        "a negative replacement slot",
        [],
        [ScheduleException(TUESDAY, False, ((time(9), time(12), -15),))],
    ),
]


@pytest.mark.parametrize(
    "sessions,exceptions", [c[1:] for c in INVALID_HOURS], ids=[c[0] for c in INVALID_HOURS]
)
def test_invalid_slot_lengths_are_refused_not_looped_on(sessions, exceptions):
    with pytest.raises(SlotError) as refused:
        slots_on(sessions, exceptions)
    assert refused.value.code == "bad_slot_length"


SESSIONS = [
    ("a good session has no problems", TUESDAY_MORNING, []),
    ("end before start", WeeklySession(1, time(12), time(9), 15), ["end_before_start"]),
    ("end equal to start", WeeklySession(1, time(9), time(9), 15), ["end_before_start"]),
    ("4-minute slots are too short", WeeklySession(1, time(9), time(12), 4), ["bad_slot_length"]),
    ("5-minute slots are fine", WeeklySession(1, time(9), time(12), 5), []),
    ("120-minute slots are fine", WeeklySession(1, time(9), time(12), 120), []),
    (
        "121-minute slots are too long",
        WeeklySession(1, time(9), time(12), 121),
        ["bad_slot_length"],
    ),
    ("shorter than a slot", WeeklySession(1, time(9), time(9, 10), 15), ["shorter_than_a_slot"]),
    ("exactly one slot long", WeeklySession(1, time(9), time(9, 15), 15), []),
    ("weekday 7", WeeklySession(7, time(9), time(12), 15), ["bad_weekday"]),
    ("weekday -1", WeeklySession(-1, time(9), time(12), 15), ["bad_weekday"]),
    ("Sunday is weekday 6", WeeklySession(6, time(9), time(12), 15), []),
]


@pytest.mark.parametrize("session,codes", [c[1:] for c in SESSIONS], ids=[c[0] for c in SESSIONS])
def test_session_validation(session, codes):
    assert session_problems(session) == codes


SLOT = Slot(utc(1), utc(1, 15))
OVERLAPS = [
    ("the same slot", SLOT, True),
    ("one starting where it ends", Slot(utc(1, 15), utc(1, 30)), False),
    ("one ending where it starts", Slot(utc(0, 45), utc(1)), False),
    ("one starting inside it", Slot(utc(1, 10), utc(1, 25)), True),
    ("one containing it", Slot(utc(0, 30), utc(2)), True),
]


@pytest.mark.parametrize("other,expected", [c[1:] for c in OVERLAPS], ids=[c[0] for c in OVERLAPS])
def test_overlaps_is_half_open_and_symmetric(other, expected):
    assert overlaps(SLOT, other) is expected
    assert overlaps(other, SLOT) is expected


WINDOWS = [
    ("booking 10 minutes ahead is allowed", bookable, SLOT.starts_at - timedelta(minutes=10), True),
    ("booking 9 minutes ahead is too late", bookable, SLOT.starts_at - timedelta(minutes=9), False),
    ("booking 30 days ahead is allowed", bookable, SLOT.starts_at - timedelta(days=30), True),
    (
        "booking 30 days and a second ahead is too early",
        bookable,
        SLOT.starts_at - timedelta(days=30, seconds=1),
        False,
    ),
    ("booking after the start is refused", bookable, SLOT.starts_at, False),
    ("the room opens 15 minutes before", waiting_room_open, utc(0, 45), True),
    ("the room is shut 16 minutes before", waiting_room_open, utc(0, 44), False),
    ("the room is open during the slot", waiting_room_open, utc(1, 5), True),
    ("the room stays open 30 minutes after the end", waiting_room_open, utc(1, 45), True),
    ("the room is shut 31 minutes after the end", waiting_room_open, utc(1, 46), False),
]


@pytest.mark.parametrize("rule,now,expected", [c[1:] for c in WINDOWS], ids=[c[0] for c in WINDOWS])
def test_windows_around_a_slot(rule, now, expected):
    assert rule(SLOT, now) is expected


def test_windows_take_their_limits_as_arguments():
    assert bookable(SLOT, SLOT.starts_at - timedelta(minutes=5), min_lead_minutes=5)
    assert not bookable(SLOT, SLOT.starts_at - timedelta(days=8), max_days_ahead=7)
    assert waiting_room_open(SLOT, utc(0, 54), early_minutes=5) is False
    assert waiting_room_open(SLOT, utc(1, 20), grace_minutes=5) is True


NAIVE = datetime(2026, 12, 1, 1, 0)
NAIVE_CALLS = [
    ("generate_slots", lambda: slots_on([TUESDAY_MORNING], now=NAIVE)),
    ("bookable", lambda: bookable(SLOT, NAIVE)),
    ("waiting_room_open", lambda: waiting_room_open(SLOT, NAIVE)),
]


@pytest.mark.parametrize("call", [c[1] for c in NAIVE_CALLS], ids=[c[0] for c in NAIVE_CALLS])
def test_a_naive_now_is_refused(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()
