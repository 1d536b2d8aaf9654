"""When a call event happened: the browser's clock moved onto the server's through the smallest
ping sample, believed only when plausible (else the arrival time). Pure, table-driven."""

import math

import pytest

from consults.event_clock import FUTURE_TOLERANCE_MS, MAX_DELAY_MS, ClockOffset, event_time

pytestmark = pytest.mark.pure
ARRIVAL = 1_800_000_000_000  # server clock, ms
SKEW = 7_000  # the browser's clock runs 7 s behind the server's


def offset_from(*samples) -> ClockOffset:
    clock = ClockOffset()
    for browser_ms, server_ms in samples:
        clock.sample(browser_ms, server_ms)
    return clock


OFFSETS = [
    ("first sample is taken as it is", [(ARRIVAL - 7_050, ARRIVAL)], 7_050),
    (
        "a smaller later sample (less delay in it) replaces a larger one",
        [(ARRIVAL - 7_300, ARRIVAL), (ARRIVAL + 1_000 - 7_010, ARRIVAL + 1_000)],
        7_010,
    ),
    (
        "a larger later sample (a slow ping) does not replace a smaller one",
        [(ARRIVAL - 7_010, ARRIVAL), (ARRIVAL + 1_000 - 9_000, ARRIVAL + 1_000)],
        7_010,
    ),
    ("a negative offset (browser ahead) is kept", [(ARRIVAL + 4_000, ARRIVAL)], -4_000),
    ("a ping time that is not a number leaves no offset", [("soon", ARRIVAL)], None),
    ("a bool ping time leaves no offset", [(True, ARRIVAL)], None),
    ("a ping time before 2001 leaves no offset", [(5_000, ARRIVAL)], None),
    (
        "a bad sample after a good one leaves the good one",
        [(ARRIVAL - 7_000, ARRIVAL), (None, ARRIVAL), (math.nan, ARRIVAL)],
        7_000,
    ),
]


@pytest.mark.parametrize("samples,expected", [c[1:] for c in OFFSETS], ids=[c[0] for c in OFFSETS])
def test_the_offset_estimate_keeps_the_smallest_sample(samples, expected):
    assert offset_from(*samples).offset_ms == expected


def test_a_browser_time_is_moved_onto_the_server_clock():
    clock = ClockOffset(offset_ms=SKEW)
    happened = ARRIVAL - 30_000  # on the server's clock: 30 s before the event arrived
    when = event_time(happened - SKEW, clock, ARRIVAL)
    assert (when.occurred_ms, when.source) == (happened, "browser")


def test_without_any_ping_the_browser_time_is_taken_as_it_is():
    when = event_time(ARRIVAL - 5_000, ClockOffset(), ARRIVAL)
    assert (when.occurred_ms, when.source) == (ARRIVAL - 5_000, "browser")


FALLBACKS = [
    ("later than arrival by more than 2 s", ARRIVAL + FUTURE_TOLERANCE_MS + 1),
    ("far in the future", ARRIVAL + 86_400_000),
    ("older than an hour", ARRIVAL - MAX_DELAY_MS - 1),
    ("not a number", "1800000000000"),
    ("missing", None),
    ("a bool", True),
    ("NaN", math.nan),
    ("infinity", math.inf),
    ("before the sane epoch range (seconds, not ms)", 1_800_000_000),
    ("after the sane epoch range (microseconds)", ARRIVAL * 1000),
    ("a list", [ARRIVAL]),
]


@pytest.mark.parametrize("browser_ms", [c[1] for c in FALLBACKS], ids=[c[0] for c in FALLBACKS])
def test_an_implausible_browser_time_falls_back_to_the_arrival(browser_ms):
    when = event_time(browser_ms, ClockOffset(), ARRIVAL)
    assert (when.occurred_ms, when.source) == (ARRIVAL, "server")


def test_an_implausible_time_after_correction_also_falls_back():
    """Plausible on the browser's clock, but 2 h late on the server's once corrected."""
    clock = ClockOffset(offset_ms=-2 * 3_600_000)
    assert event_time(ARRIVAL - 1_000, clock, ARRIVAL).source == "server"


TOLERATED = [
    ("up to 2 s later than arrival is clamped to arrival", ARRIVAL + FUTURE_TOLERANCE_MS),
    ("1 ms later than arrival is clamped to arrival", ARRIVAL + 1),
    ("exactly at arrival", ARRIVAL),
    ("exactly an hour old is still believed", ARRIVAL - MAX_DELAY_MS),
    ("a float time is believed", float(ARRIVAL - 1_500)),
]


@pytest.mark.parametrize("browser_ms", [c[1] for c in TOLERATED], ids=[c[0] for c in TOLERATED])
def test_a_corrected_time_is_never_after_the_arrival(browser_ms):
    when = event_time(browser_ms, ClockOffset(), ARRIVAL)
    assert when.source == "browser"
    assert when.occurred_ms == min(int(browser_ms), ARRIVAL) <= ARRIVAL
