"""Contraindication screening for in-person treatments, at booking and again at check-in
(pregnancy and medicines change): each therapy names the questions that matter to it and whether
a "yes" blocks the booking or flags it for the practitioner.

Sources (tcm-domain.md §5): textbook statements on pregnancy; GB/T 21709.5 and clinician pages
on bleeding disorders and anticoagulants for cupping; pacemakers for electro-acupuncture; skin
lesions at the site; 醉酒/过饥/过饱/过劳 as temporary exclusions (reschedule).
Pure: standard library only.
"""

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    BLOCK = "block"  # not booked / not treated today
    FLAG = "flag"  # booked; the practitioner sees it and adapts


class Outcome(StrEnum):
    CLEAR = "clear"
    FLAG = "flag"
    BLOCK = "block"


@dataclass(frozen=True)
class Question:
    code: str
    on_the_day: bool  # asked at check-in only (it describes today, not the booking)


QUESTIONS = (
    Question("pregnant", False),
    Question("bleeding_risk", False),  # bleeding disorder, or warfarin / DOAC / antiplatelets
    Question("skin_lesion_at_site", False),  # broken, infected, allergic skin, tumour, varices
    Question("pacemaker", False),  # or other implanted electronics
    Question("loss_of_sensation", False),  # e.g. diabetic neuropathy: burns go unnoticed
    Question("severe_illness", False),  # severe heart disease, high fever, active TB …
    Question("menstruating", True),
    Question("fasting_or_exhausted", True),  # 过饥、过饱、醉酒、过劳
)
QUESTION_CODES = frozenset(q.code for q in QUESTIONS)


@dataclass(frozen=True)
class Finding:
    question: str
    severity: Severity


@dataclass(frozen=True)
class ScreeningResult:
    outcome: Outcome
    findings: tuple[Finding, ...]
    unanswered: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return self.outcome is Outcome.BLOCK


def questions_for(contraindications: dict, stage: str) -> list[str]:
    """The questions a therapy asks at `stage` ("booking" or "check_in"), in a fixed order."""
    return [
        q.code
        for q in QUESTIONS
        if q.code in contraindications and (stage == "check_in" or not q.on_the_day)
    ]


def screen(contraindications: dict, answers: dict, stage: str) -> ScreeningResult:
    """Each "yes" to a question the therapy cares about is a finding of the therapy's severity.
    An unanswered question is listed (the caller refuses to book on it); unknown keys in
    `answers` are ignored. Any block → BLOCK; else any flag → FLAG; else CLEAR."""
    asked = questions_for(contraindications, stage)
    unanswered = tuple(code for code in asked if answers.get(code) is None)
    findings = tuple(
        Finding(code, Severity(contraindications[code])) for code in asked if answers.get(code)
    )
    if any(f.severity is Severity.BLOCK for f in findings):
        outcome = Outcome.BLOCK
    elif findings:
        outcome = Outcome.FLAG
    else:
        outcome = Outcome.CLEAR
    return ScreeningResult(outcome, findings, unanswered)
