"""How long records are kept (《互联网诊疗监管细则》): medical records (病历资料: visits, documents,
prescriptions) at least 15 years, process records of online care (图文对话、音视频等过程记录:
chat, recordings, the audit trail) at least 3 years. A record is past its term from the day after
its last day of keeping; past its term it may go, but only when a person decides so: nothing in
the app deletes a record.

Pure: standard library only."""

from datetime import date, timedelta

MEDICAL_RECORD = "medical_record"
PROCESS_RECORD = "process_record"

# The rule table: a category of record and its least number of years kept.
RETENTION_YEARS = {MEDICAL_RECORD: 15, PROCESS_RECORD: 3}


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes 28 February in a common
    year, so a term never runs into the next month."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, and the target year is not a leap year
        return day.replace(year=day.year + years, day=28)


def last_day_kept(recorded_on: date, category: str) -> date:
    """The last day a record of this date must still be kept."""
    return add_years(recorded_on, RETENTION_YEARS[category])


def is_past_term(last_day: date, today: date) -> bool:
    """Kept up to and including its last day; past its term the day after."""
    return last_day < today


def first_date_within_term(today: date, years: int) -> date:
    """The earliest record date still within a term of `years` on `today`: records dated before
    it are past their term. A query compares the date column with it (an index range), instead
    of computing each row's last day. Around 29 February the plain subtraction may be a day off,
    so it is moved until it is the exact boundary."""
    boundary = add_years(today, -years)
    while add_years(boundary, years) < today:  # still past its term: the boundary is later
        boundary += timedelta(days=1)
    while add_years(boundary - timedelta(days=1), years) >= today:  # the day before is within
        boundary -= timedelta(days=1)
    return boundary
