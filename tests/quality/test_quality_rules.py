"""The quality office's rules (quality/rules.py): what a rating may be, when a complaint's answer
is due (5 working days, 《医疗机构投诉管理办法》第二十八条), the clinic day's bounds, and how the
published figures derive from the day's sums (a department's mean is never a mean of means)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from quality import rules

pytestmark = pytest.mark.pure
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "score, comment, expected",
    [(1, "", ""), (5, "  很好  ", "很好"), (3, "好" * 500, "好" * 500)],
    ids=["one star without a comment", "five stars, the comment trimmed", "500 characters fit"],
)
def test_a_rating_is_a_whole_score_from_1_to_5_with_a_short_comment(score, comment, expected):
    assert rules.check_rating(score, comment) == expected


@pytest.mark.parametrize(
    "score, comment, code",
    [(0, "", "bad_score"), (6, "", "bad_score"), (4, "好" * 501, "comment_too_long")],
    ids=["zero stars is refused", "six stars is refused", "501 characters are refused"],
)
def test_a_rating_out_of_bounds_is_refused(score, comment, code):
    with pytest.raises(rules.QualityError) as refused:
        rules.check_rating(score, comment)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "reason, code",
    [("", "reason_required"), ("   ", "reason_required"), ("x" * 1001, "reason_too_long")],
    ids=["an empty reason is refused", "a blank reason is refused", "a reason too long"],
)
def test_a_reason_must_be_given_and_short_enough(reason, code):
    with pytest.raises(rules.QualityError) as refused:
        rules.check_reason(reason)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (date(2026, 12, 7), 5, date(2026, 12, 14)),  # Monday → next Monday
        (date(2026, 12, 4), 5, date(2026, 12, 11)),  # Friday → next Friday
        (date(2026, 12, 5), 5, date(2026, 12, 11)),  # Saturday → Friday
        (date(2026, 12, 4), 1, date(2026, 12, 7)),  # Friday + 1 → Monday
    ],
    ids=[
        "filed on a Monday, 5 working days end the next Monday",
        "filed on a Friday, they end the next Friday",
        "filed on a Saturday, they end on Friday",
        "one working day after a Friday is the Monday",
    ],
)
def test_working_days_skip_the_weekend(start, days, expected):
    assert rules.add_working_days(start, days) == expected


def test_a_complaint_is_due_at_the_end_of_the_fifth_working_day_in_the_clinic_zone():
    # Filed Friday 2026-12-04 23:30 in Shanghai (15:30 UTC): due at the end of Friday 12-11.
    filed = datetime(2026, 12, 4, 15, 30, tzinfo=ZoneInfo("UTC"))
    due = rules.complaint_due(filed, 5, SHANGHAI)
    assert due == datetime(2026, 12, 11, 23, 59, 59, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "now_hours, answered, overdue",
    [(-1, False, False), (0, False, True), (5, True, False)],
    ids=["before the due time it is not overdue", "unanswered at the due time it is overdue",
         "an answered complaint is never overdue"],
)  # fmt: skip
def test_overdue(now_hours, answered, overdue):
    due = datetime(2026, 12, 11, 23, 59, 59, tzinfo=SHANGHAI)
    assert rules.is_overdue(due, due + timedelta(hours=now_hours), answered) is overdue


def test_the_clinic_day_runs_from_midnight_to_midnight_in_its_zone():
    start, end = rules.clinic_day_bounds(date(2026, 12, 3), SHANGHAI)
    assert start.astimezone(ZoneInfo("UTC")) == datetime(2026, 12, 2, 16, tzinfo=ZoneInfo("UTC"))
    assert (end - start).total_seconds() == 86400


def test_figures_derive_from_sums_and_a_mean_of_nothing_is_none():
    tally = rules.Tally(visits=4, visit_seconds=1200, visits_timed=4, responses=2,
                        response_seconds=90, missed_responses=1, ratings=3, rating_total=13,
                        complaints=1, prescriptions=8, renewals=2)  # fmt: skip
    figures = rules.figures_of(tally)
    assert figures == {
        "visits": 4, "visit_seconds_mean": 300, "responses": 2, "response_seconds_mean": 45,
        "missed_responses": 1, "ratings": 3, "rating_mean": 4.33, "complaints": 1,
        "complaint_rate": 25.0, "prescriptions": 8, "renewals": 2, "renewal_share": 25.0,
    }  # fmt: skip
    empty = rules.figures_of(rules.Tally())
    assert empty["rating_mean"] is None and empty["complaint_rate"] is None
    assert list(figures) == list(rules.FIGURE_CODES)


def test_a_department_adds_up_its_doctors_sums_not_their_means():
    one = rules.Tally(ratings=1, rating_total=1)
    many = rules.Tally(ratings=3, rating_total=15)
    total = rules.Tally()
    total.add(one)
    total.add(many)
    assert rules.figures_of(total)["rating_mean"] == 4.0  # not (1 + 5) / 2
