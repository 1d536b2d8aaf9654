"""Retention terms (tcm_app/common/retention.py): medical records 15 years, process records 3
years; a term ends on the same day N years later (29 February: 28 February) and a record is past
its term from the day after."""

from datetime import date, timedelta

import pytest

from tcm_app.common.retention import (
    MEDICAL_RECORD,
    PROCESS_RECORD,
    RETENTION_YEARS,
    add_years,
    first_date_within_term,
    is_past_term,
    last_day_kept,
)

pytestmark = pytest.mark.pure


def test_the_rule_table_keeps_medical_records_15_years_and_process_records_3():
    assert RETENTION_YEARS == {MEDICAL_RECORD: 15, PROCESS_RECORD: 3}


@pytest.mark.parametrize(
    "day, years, expected",
    [
        (date(2026, 3, 10), 15, date(2041, 3, 10)),
        (date(2024, 2, 29), 15, date(2039, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), -3, date(2021, 2, 28)),
        (date(2026, 12, 31), 3, date(2029, 12, 31)),
    ],
    ids=[
        "the same day fifteen years later",
        "29 February into a common year becomes 28 February",
        "29 February into a leap year stays 29 February",
        "counting back from 29 February also lands on 28 February",
        "the last day of a year stays the last day",
    ],
)
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    "recorded_on, category, today, past",
    [
        (date(2011, 5, 1), MEDICAL_RECORD, date(2026, 5, 1), False),
        (date(2011, 5, 1), MEDICAL_RECORD, date(2026, 5, 2), True),
        (date(2023, 5, 1), PROCESS_RECORD, date(2026, 5, 1), False),
        (date(2023, 5, 1), PROCESS_RECORD, date(2026, 5, 2), True),
        (date(2012, 2, 29), MEDICAL_RECORD, date(2027, 2, 28), False),
        (date(2012, 2, 29), MEDICAL_RECORD, date(2027, 3, 1), True),
    ],
    ids=[
        "a medical record is still kept on its fifteenth anniversary",
        "a medical record is past its term the day after",
        "a chat message is still kept on its third anniversary",
        "a chat message is past its term the day after",
        "a record of 29 February is kept until 28 February of a common year",
        "and past its term on 1 March",
    ],
)
def test_a_record_is_past_its_term_from_the_day_after_its_last_day(
    recorded_on, category, today, past
):
    assert is_past_term(last_day_kept(recorded_on, category), today) is past


def days(start: date, count: int):
    return [start + timedelta(days=n) for n in range(count)]


@pytest.mark.parametrize("years", [3, 4, 15])
@pytest.mark.parametrize(
    "today",
    [
        date(2027, 2, 28),
        date(2027, 3, 1),
        date(2028, 2, 28),
        date(2028, 2, 29),
        date(2028, 3, 1),
        date(2026, 12, 5),
    ],
    ids=str,
)
def test_the_query_boundary_agrees_with_each_records_own_term(today, years):
    """Records dated before the boundary are exactly the records past their term, on every day
    around 29 February (what the report's `date < boundary` query relies on)."""
    boundary = first_date_within_term(today, years)
    around = days(add_years(today, -years) - timedelta(days=5), 11)
    assert [d for d in around if d < boundary] == [
        d for d in around if is_past_term(add_years(d, years), today)
    ]
