"""Home visit rules (treatments/home_visits.py): the service area, travel buffers around a
visit, free home-visit starts, the home questions and the overrun alert's moment."""

from datetime import date, datetime, time, timedelta

import pytest

from treatments.home_visits import (
    HomeVisitError,
    ServiceArea,
    district_of,
    free_home_slots,
    nearest,
    overrun_due,
    padded,
    parse_area,
    screen_home,
)
from treatments.scheduling import Busy, Interval, WorkingHours

pytestmark = pytest.mark.pure
MONDAY = date(2026, 11, 30)
BEFORE = datetime(2026, 11, 1, 8, 0)
MORNING = WorkingHours({d: [(time(9), time(12))] for d in range(7)})


def at(hour, minute=0):
    return datetime.combine(MONDAY, time(hour, minute))


def starts(busy=None, travel=30, minutes=30, now=BEFORE, hours=MORNING):
    found = free_home_slots(MONDAY, minutes, travel, {7: hours}, busy or Busy(), now)
    return [s.start.strftime("%H:%M") for s in found]


# --- service area ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "district"),
    [
        ("北京市 / 北京市 / 朝阳区", "朝阳区"),
        ("北京市 朝阳区", "朝阳区"),
        ("北京市／海淀区", "海淀区"),
        ("", ""),
    ],
    ids=["slashes", "spaces", "full-width slash", "empty region"],
)
def test_the_district_is_the_last_part_of_the_region(region, district):
    assert district_of(region) == district


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("朝阳区=30, 东城区=40", {"朝阳区": 30, "东城区": 40}),
        ("朝阳区=32", {"朝阳区": 35}),
        ("", {}),
        ("朝阳区=30；海淀区=45", {"朝阳区": 30, "海淀区": 45}),
    ],
    ids=[
        "districts with minutes",
        "travel rounds up to whole five minutes",
        "empty: no home visits",
        "Chinese separators",
    ],
)
def test_the_service_area_setting_reads_district_and_minutes(text, area):
    assert parse_area(text) == area


@pytest.mark.parametrize(
    "text",
    ["朝阳区", "朝阳区=abc", "=30", "朝阳区=999"],
    ids=["no minutes", "minutes not a number", "no district", "more than three hours"],
)
def test_a_bad_service_area_setting_is_refused(text):
    with pytest.raises(ValueError, match="district=minutes"):
        parse_area(text)


def test_an_address_inside_the_area_gets_its_travel_minutes():
    assert ServiceArea({"朝阳区": 30}).travel_minutes("北京市 / 北京市 / 朝阳区") == 30


def test_an_address_outside_the_area_is_refused_naming_the_districts_served():
    with pytest.raises(HomeVisitError) as refused:
        ServiceArea({"朝阳区": 30, "东城区": 40}).travel_minutes("北京市 / 北京市 / 昌平区")
    assert refused.value.code == "outside_service_area"
    assert refused.value.params["districts"] == ["东城区", "朝阳区"]


# --- travel buffers ----------------------------------------------------------------------------


def test_a_home_visit_holds_its_practitioner_for_the_way_there_and_back():
    assert padded(Interval(at(10), at(11)), 30) == Interval(at(9, 30), at(11, 30))


@pytest.mark.parametrize(
    ("busy", "travel", "expected"),
    [
        (None, 30, ["09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00"]),
        (None, 0, [f"{h:02d}:{m:02d}" for h in (9, 10, 11) for m in (0, 15, 30, 45)][:11]),
        (None, 60, ["10:00", "10:15", "10:30"]),
        (None, 120, []),
        (
            Busy(practitioner={7: [Interval(at(11), at(11, 30))]}),
            30,
            ["09:30", "09:45", "10:00"],
        ),
        (
            Busy(practitioner={7: [Interval(at(9), at(9, 30))]}),
            30,
            ["10:00", "10:15", "10:30", "10:45", "11:00"],
        ),
        (
            Busy(patient=(Interval(at(10), at(10, 30)),)),
            30,
            ["09:30", "10:30", "10:45", "11:00"],
        ),
    ],
    ids=[
        "the first visit starts after the way there, the last ends before the way back",
        "no travel: the whole window",
        "a long way: only a visit in the middle fits",
        "a way too long for the window: nothing",
        "a clinic session at 11:00 cannot fall in the way back",
        "a clinic session at 09:00: the way there starts after it",
        "the patient's own booking: only the visit itself must be clear",
    ],
)
def test_free_home_starts_leave_room_for_travel(busy, travel, expected):
    assert starts(busy, travel) == expected


def test_a_visit_already_padded_with_its_travel_keeps_the_next_one_two_legs_away():
    earlier = padded(Interval(at(9, 30), at(10)), 30)  # away 09:00-10:30
    assert starts(Busy(practitioner={7: [earlier]}), 30) == ["11:00"]


def test_starts_in_the_past_are_not_offered():
    assert starts(now=at(10, 20)) == ["10:30", "10:45", "11:00"]


def test_the_nearest_free_starts_to_a_refused_time_come_in_time_order():
    slots = free_home_slots(MONDAY, 30, 30, {7: MORNING}, Busy(), BEFORE)
    assert [s.start.strftime("%H:%M") for s in nearest(slots, at(10, 5), 3)] == [
        "09:45",
        "10:00",
        "10:15",
    ]


# --- the home questions ------------------------------------------------------------------------


def home(someone_present, bed_space, pets) -> dict:
    return {"someone_present": someone_present, "bed_space": bed_space, "pets": pets}


@pytest.mark.parametrize(
    ("answers", "outcome", "findings"),
    [
        ({"someone_present": True, "bed_space": True, "pets": False}, "clear", ()),
        (
            {"someone_present": False, "bed_space": True, "pets": False},
            "block",
            ("someone_present",),
        ),
        (
            {"someone_present": True, "bed_space": False, "pets": True},
            "flag",
            ("bed_space", "pets"),
        ),
    ],
    ids=[
        "someone at home, room for the bed, no pets: clear",
        "nobody else at home: not booked",
        "no room for the bed and pets: told to the practitioner",
    ],
)
def test_the_home_questions(answers, outcome, findings):
    result = screen_home(answers)
    assert (result.outcome, result.findings, result.unanswered) == (outcome, findings, ())


def test_an_unanswered_home_question_is_listed():
    assert screen_home({"someone_present": True}).unanswered == ("bed_space", "pets")


# --- overrun -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checked_in", "now", "due"),
    [
        (None, at(12), False),
        (at(10), at(11, 19), False),
        (at(10), at(11, 20), True),
        (at(10, 30), at(11, 40), False),
        (at(10, 30), at(11, 50), True),
    ],
    ids=[
        "never checked in: no alert (the practitioner never reached the door)",
        "within the margin after the booked end: no alert yet",
        "the margin past the booked end: alert",
        "a late arrival is given its full length before the margin counts",
        "a late arrival past its length and the margin: alert",
    ],
)
def test_an_overrun_is_due_a_margin_after_the_visit_should_have_ended(checked_in, now, due):
    # booked 10:00-11:00, 60 minutes, margin 20
    assert overrun_due(at(11), checked_in, 60, now, 20) is due


def test_the_travel_margin_type():
    assert timedelta(minutes=30) == padded(Interval(at(10), at(11)), 30).end - at(11)
