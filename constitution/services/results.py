"""What a result and a history page show, gathered from an assessment and its scale: the bars,
the names of the constitution and tendencies, the changes since the previous assessment of the
same scale, the advice, the doctor's latest confirmation."""

from dataclasses import dataclass, field

from sqlalchemy import select

from constitution.charts import BarChart, Change, TrendChart, bar_chart, changes, trend_chart
from constitution.models import Assessment, Confirmation
from constitution.scoring import rules_of
from constitution.services import advice
from constitution.services.assessments import previous_of, scale_of, submitted_for
from tcm_app.common.questionnaire import Scale
from tcm_app.extensions import db
from tcm_app.services.clock import to_clinic

# Changes worth naming: ten points of 转化分, two points of a four-item sum.
MIN_STEP = {"transformed": 10, "sum": 2}
MARKS = {"transformed": (30, 40, 60), "sum": ()}


def score_ranges(scale: Scale, sex: str) -> dict[str, tuple[int, int]]:
    """Each type's lowest and highest score: 0–100 for 转化分, the sum's bounds otherwise."""
    if rules_of(scale).score == "transformed":
        return {sub.code: (0, 100) for sub in scale.subscales}
    counts = {sub.code: len(scale.asked_items(sub, sex)) for sub in scale.subscales}
    return {code: (count, 5 * count) for code, count in counts.items()}


@dataclass
class ResultView:
    assessment: Assessment
    scale: Scale
    chart: BarChart
    changes: list[Change]
    previous: Assessment | None
    advice: list[advice.TypeAdvice]
    confirmation: Confirmation | None
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def cited(self) -> dict[str, int]:
        """Source code → its number, in the order the advice first cites it."""
        numbers: dict[str, int] = {}
        for advice_type in self.advice:
            for section in advice_type.sections:
                numbers.setdefault(section.source, len(numbers) + 1)
        return numbers


def result_view(assessment: Assessment) -> ResultView:
    scale = scale_of(assessment)
    kind = rules_of(scale).score
    chart = bar_chart(
        assessment.scores,
        assessment.verdicts,
        score_ranges(scale, assessment.sex),
        MARKS[kind],
    )
    previous = previous_of(assessment)
    named = changes_since(previous, assessment)
    shown_types = [*assessment.primary, *assessment.tendencies] or ["pinghe"]
    return ResultView(
        assessment=assessment,
        scale=scale,
        chart=chart,
        changes=named,
        previous=previous,
        advice=[advice.advice_for(code) for code in shown_types],
        confirmation=latest_confirmation(assessment.patient_id),
        sources=advice.sources(),
    )


def changes_since(previous: Assessment | None, assessment: Assessment) -> list[Change]:
    """The changes worth naming from the previous assessment of the same scale (none without)."""
    if previous is None:
        return []
    return changes(
        (previous.scores, previous.verdicts),
        (assessment.scores, assessment.verdicts),
        MIN_STEP[rules_of(scale_of(assessment)).score],
    )


def latest_confirmation(patient_id: int) -> Confirmation | None:
    return db.session.scalar(
        select(Confirmation)
        .where(Confirmation.patient_id == patient_id)
        .order_by(Confirmation.id.desc())
        .limit(1)
    )


@dataclass
class Trend:
    scale: Scale
    assessments: list[Assessment]
    chart: TrendChart | None
    types: list[str]


def trends(patient_id: int, scales: list[Scale]) -> list[Trend]:
    """Per scale the patient has taken: every submitted assessment, and a line chart of the
    types that were ever the constitution or a tendency (平和 always) once there are two."""
    found = []
    for scale in scales:
        taken = submitted_for(patient_id, scale.code)
        if not taken:
            continue
        types = _types_to_draw(taken)
        chart = None
        if len(taken) >= 2:
            ranges = score_ranges(scale, taken[-1].sex)
            low = min(ranges[code][0] for code in types)
            high = max(ranges[code][1] for code in types)
            days = [to_clinic(a.submitted_at).date() for a in taken if a.submitted_at]
            series = {code: [a.scores[code] for a in taken] for code in types}
            chart = trend_chart(days, series, low, high)
        found.append(Trend(scale, taken, chart, types))
    return found


def _types_to_draw(taken: list[Assessment]) -> list[str]:
    named = {code for a in taken for code in (*a.primary, *a.tendencies)}
    order = list(taken[-1].scores)
    return [code for code in order if code in named or code == "pinghe"]
