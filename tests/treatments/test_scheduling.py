"""Treatment scheduling rules (treatments/scheduling.py): windows, capacity, the patient's own
bookings, the past, and course series checked as a whole with alternatives."""

from datetime import date, datetime, time, timedelta

import pytest

from treatments.scheduling import (
    Busy,
    Interval,
    Resource,
    WorkingHours,
    check_series,
    course_dates,
    free_slots,
    on_grid,
)

pytestmark = pytest.mark.pure
MONDAY = date(2026, 11, 30)
BEFORE = datetime(2026, 11, 1, 8, 0)
MORNING = {d: [(time(9), time(12))] for d in range(5)}
CLINIC = WorkingHours({d: [(time(8), time(18))] for d in range(6)})
NOTHING_BOOKED = Busy()
ONE_BED = (Resource(1),)


def at(hour, minute=0, day=MONDAY):
    return datetime.combine(day, time(hour, minute))


def slots(
    busy=NOTHING_BOOKED,
    practitioners=None,
    resources=ONE_BED,
    day=MONDAY,
    now=BEFORE,
    clinic=CLINIC,
    minutes=30,
):
    practitioners = practitioners or {7: WorkingHours(MORNING)}
    return free_slots(day, minutes, practitioners, list(resources), busy, clinic, now)


def starts(found):
    return [s.start.strftime("%H:%M") for s in found]


def test_slots_fill_the_working_window_on_the_grid():
    found = slots()
    assert starts(found)[0] == "09:00" and starts(found)[-1] == "11:30" and len(found) == 11


@pytest.mark.parametrize(
    ("busy", "removed"),
    [
        (Busy(practitioner={7: [Interval(at(10), at(10, 30))]}), {"09:45", "10:00", "10:15"}),
        (Busy(resource={1: [Interval(at(10), at(10, 30))]}), {"09:45", "10:00", "10:15"}),
        (Busy(patient=(Interval(at(11), at(12)),)), {"10:45", "11:00", "11:15", "11:30"}),
    ],
    ids=[
        "the-practitioner-is-busy",
        "the-only-bed-is-taken",
        "the-patient-has-another-booking-then",
    ],
)
def test_busy_times_are_not_offered(busy, removed):
    assert set(starts(slots())) - set(starts(slots(busy))) == removed


def test_a_booking_ending_when_another_starts_does_not_clash():
    busy = Busy(practitioner={7: [Interval(at(9), at(9, 30))]})
    assert "09:30" in starts(slots(busy))


def test_a_room_with_capacity_takes_several_at_once():
    room = Resource(2, capacity=2)
    one = Busy(resource={2: [Interval(at(9), at(9, 30))]})
    assert "09:00" in starts(slots(one, resources=[room]))
    two = Busy(resource={2: [Interval(at(9), at(9, 30))] * 2})
    assert "09:00" not in starts(slots(two, resources=[room]))


def test_a_seat_must_be_free_for_the_whole_session_not_only_a_count():
    """Seat 0 is taken 10:00-10:30 and seat 1 10:30-11:00: at every instant one of two seats is
    free, yet no seat is free for all of 10:15-10:45, so that start is not offered."""
    room = Resource(2, capacity=2)
    placed = Busy(seats={2: {0: [Interval(at(10), at(10, 30))], 1: [Interval(at(10, 30), at(11))]}})
    offered = starts(slots(placed, resources=[room]))
    assert "10:15" not in offered and "09:30" in offered and "11:00" in offered


def test_a_second_bed_is_used_when_the_first_is_taken():
    busy = Busy(resource={1: [Interval(at(9), at(9, 30))]})
    first = slots(busy, resources=[Resource(1), Resource(2)])[0]
    assert (first.start, first.resource_id) == (at(9), 2)


@pytest.mark.parametrize(
    ("practitioners", "clinic", "now", "expected"),
    [
        ({7: WorkingHours(MORNING, {MONDAY: []})}, CLINIC, BEFORE, 0),
        ({7: WorkingHours(MORNING)}, WorkingHours({}, {}), BEFORE, 0),
        ({7: WorkingHours(MORNING)}, CLINIC, at(10, 40), 4),
        ({7: WorkingHours(MORNING, {MONDAY: [(time(14), time(15))]})}, CLINIC, BEFORE, 3),
    ],
    ids=[
        "on-leave-no-slots",
        "clinic-closed-no-slots",
        "no-slots-in-the-past",
        "an-exception-day-replaces-the-week",
    ],
)
def test_working_time_limits(practitioners, clinic, now, expected):
    assert len(slots(practitioners=practitioners, clinic=clinic, now=now)) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((MONDAY, 3, 2), [0, 2, 4]),
        ((MONDAY, 4, 1, 2, 3), [0, 1, 5, 6]),
        ((MONDAY, 1, 7), [0]),
    ],
    ids=["every-other-day", "rest-days-between-courses", "a-single-session"],
)
def test_course_dates(args, expected):
    assert course_dates(*args) == [MONDAY + timedelta(days=d) for d in expected]


@pytest.mark.parametrize(
    "args",
    [(MONDAY, 0, 1), (MONDAY, 3, 0), (MONDAY, 3, 1, 2, -1)],
    ids=["no-sessions", "zero-spacing", "negative-rest"],
)
def test_course_dates_refuse_nonsense(args):
    with pytest.raises(ValueError):
        course_dates(*args)


def test_a_series_names_its_conflicting_dates_and_offers_alternatives():
    taken = MONDAY + timedelta(days=2)
    busy = Busy(practitioner={7: [Interval(at(9, day=taken), at(10, day=taken))]})
    dates = course_dates(MONDAY, 3, 2)
    check = check_series(dates, time(9), lambda d: slots(busy, day=d), 7)
    assert not check.bookable and check.conflicts == (taken,)
    assert len(check.slots) == 2
    offered = check.alternatives[taken]
    assert offered and all(s.practitioner_id == 7 for s in offered)
    assert offered[0].start == at(10, day=taken)


def test_a_free_series_is_bookable_as_a_whole():
    check = check_series(course_dates(MONDAY, 3, 2), time(9), lambda d: slots(day=d), 7)
    assert check.bookable and [s.start.date() for s in check.slots] == course_dates(MONDAY, 3, 2)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(9), True),
        (at(9, 45), True),
        (at(9, 5), False),
        (at(12), False),
        (at(8, 45), False),
    ],
    ids=[
        "the-window-start-is-on-the-grid",
        "every-quarter-hour-after-it-is",
        "five-past-is-off-the-grid",
        "the-window-end-is-not-a-start",
        "before-the-window-is-not-a-start",
    ],
)
def test_starts_are_on_the_grid_of_their_window(moment, expected):
    assert on_grid(moment, WorkingHours(MORNING).windows(MONDAY)) is expected
