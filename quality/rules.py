"""The quality office's rules (pure): what a rating is, when a complaint's answer is due, how an
appeal is decided, and what each daily figure means (its field code, unit and definition), the
one list the figures service, the operator page and the exports read.

Sources: issue 19 ("Satisfaction, complaints and the figures regulators ask for"); the metrics the
supervision platforms are proposed to receive — 患者满意度、接诊时间、患者投诉率 (S000 §3.2 in
docs' requirements); the answer time of a complaint: 《医疗机构投诉管理办法》(国家卫生健康委员会令
第3号, 2019) 第二十八条, a complaint that needs looking into is answered "一般应当于接到投诉之日起
5个工作日内" (within 5 working days of its receipt)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from tcm_app.common.errors import RuleError

# What a patient rates: a completed visit, a delivered or collected herb order, a performed
# treatment. The codes are stored on the rating and shown through labels.py.
SUBJECTS = ("encounter", "herb_order", "treatment")
SCORES = (1, 2, 3, 4, 5)
COMMENT_MAX = 500  # characters of a rating's comment
REASON_MAX = 1000  # an appeal's reason, a decision's reason, a complaint step
COMPLAINT_MAX = 2000  # a complaint's text and its answer

# Appeal outcomes: upheld removes the rating from the figures (a flag, never a deletion).
APPEAL_OPEN, APPEAL_UPHELD, APPEAL_REJECTED = "open", "upheld", "rejected"
# Complaint states and the kinds of step kept for it (every step kept, in order).
COMPLAINT_FILED, COMPLAINT_ANSWERED = "filed", "answered"
STEP_KINDS = ("filed", "note", "contact", "answer")
STAFF_STEP_KINDS = ("note", "contact")


class QualityError(RuleError):
    """A refusal of the quality office's rules."""


def check_rating(score: int, comment: str) -> str:
    """The rating as kept: a whole score from 1 to 5 and a trimmed comment within its length."""
    if score not in SCORES:
        raise QualityError("bad_score", "A rating is a whole number from 1 to 5.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise QualityError("comment_too_long", "The comment is too long.", {"max": COMMENT_MAX})
    return comment


def check_reason(reason: str, code: str = "reason_required") -> str:
    """A reason someone must give (an appeal, a rejection, a removal, a complaint step)."""
    reason = (reason or "").strip()
    if not reason:
        raise QualityError(code, "A reason is required.")
    if len(reason) > REASON_MAX:
        raise QualityError("reason_too_long", "The text is too long.", {"max": REASON_MAX})
    return reason


def appeal_outcome(uphold: bool) -> str:
    return APPEAL_UPHELD if uphold else APPEAL_REJECTED


def add_working_days(start: date, days: int) -> date:
    """`days` working days after `start` (Saturdays and Sundays skipped; public holidays are not
    known here, so the due date may fall on one: it is then early, never late)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def complaint_due(filed_at: datetime, working_days: int, zone: tzinfo) -> datetime:
    """When a complaint's answer is due: the end (23:59:59) of the clinic day `working_days`
    working days after the day it was filed (the day of filing does not count)."""
    filed_on = filed_at.astimezone(zone).date()
    due_day = add_working_days(filed_on, working_days)
    return datetime.combine(due_day, time(23, 59, 59), zone)


def is_overdue(due_at: datetime, now: datetime, answered: bool) -> bool:
    return not answered and now >= due_at


def clinic_day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The clinic day `day` as [start, end) aware datetimes (a DST-safe calendar day)."""
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return start, end


@dataclass(frozen=True)
class Figure:
    code: str  # the stable field code of the JSON export
    unit: str  # count | seconds | score | percent
    definition: str  # what is counted, in English (the docs; the page shows labels.py's name)


# The daily figures, in export order. A day is the clinic's calendar day (Asia/Shanghai by
# default); each event counts on the day it happened.
FIGURES = (
    Figure("visits", "count", "visits completed that day (encounters, any kind)"),
    Figure(
        "visit_seconds_mean",
        "seconds",
        "mean length of those visits, from the doctor's start to the completion",
    ),
    Figure(
        "responses",
        "count",
        "first responses that day: a text consult's first doctor reply, a video call the doctor "
        "started for a patient waiting in the room",
    ),
    Figure(
        "response_seconds_mean",
        "seconds",
        "mean first-response time: text consult opened → first reply; video call patient "
        "waiting → doctor starts the call",
    ),
    Figure(
        "missed_responses",
        "count",
        "text consults closed that day unanswered by the deadline (the fee refunded), counted "
        "against the doctor",
    ),
    Figure("ratings", "count", "ratings given that day and not removed on appeal"),
    Figure("rating_mean", "score", "mean of those ratings (1–5)"),
    Figure("complaints", "count", "complaints filed that day about the doctor's care"),
    Figure("complaint_rate", "percent", "complaints per 100 completed visits that day"),
    Figure("prescriptions", "count", "herbal prescriptions signed that day"),
    Figure("renewals", "count", "of those, repeat prescriptions (续方) issued on a renewal"),
    Figure("renewal_share", "percent", "renewals per 100 signed prescriptions"),
)
FIGURE_CODES = tuple(f.code for f in FIGURES)
SCOPES = ("hospital", "department", "doctor")


@dataclass
class Tally:
    """The sums one scope's figures are derived from (added up across doctors for a
    department and the hospital, so a mean is never a mean of means)."""

    visits: int = 0
    visit_seconds: float = 0.0
    visits_timed: int = 0
    responses: int = 0
    response_seconds: float = 0.0
    missed_responses: int = 0
    ratings: int = 0
    rating_total: int = 0
    complaints: int = 0
    prescriptions: int = 0
    renewals: int = 0

    def add(self, other: "Tally") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _mean(total: float, count: int, places: int) -> float | None:
    """The mean to `places` decimals (a whole number of seconds for places=0)."""
    if not count:
        return None
    return round(total / count, places) if places else round(total / count)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures_of(t: Tally) -> dict:
    """The published figures (FIGURE_CODES) of a tally; a mean or share of nothing is None."""
    return {
        "visits": t.visits,
        "visit_seconds_mean": _mean(t.visit_seconds, t.visits_timed, 0),
        "responses": t.responses,
        "response_seconds_mean": _mean(t.response_seconds, t.responses, 0),
        "missed_responses": t.missed_responses,
        "ratings": t.ratings,
        "rating_mean": _mean(t.rating_total, t.ratings, 2),
        "complaints": t.complaints,
        "complaint_rate": _percent(t.complaints, t.visits),
        "prescriptions": t.prescriptions,
        "renewals": t.renewals,
        "renewal_share": _percent(t.renewals, t.prescriptions),
    }
