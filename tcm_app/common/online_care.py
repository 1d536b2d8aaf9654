"""Rules of online care (互联网诊疗) that gate prescribing and online work.

Pure: standard library only. Sources: 《互联网诊疗管理办法（试行）》 (2018) and
《互联网诊疗监管细则（试行）》 (2022): online care only for follow-up visits (复诊) with
records of a
clear prior diagnosis that the treating doctor keeps and judges; the doctor stops online care when
the condition changes, the visit is a first visit or online care is unsuitable; children under 6
are seen online only with a guardian present.
"""

from dataclasses import dataclass
from enum import StrEnum

from tcm_app.common.errors import RuleError

MIN_ONLINE_PRACTICE_YEARS = 3
GUARDIAN_REQUIRED_UNDER_AGE = 6


class EncounterKind(StrEnum):
    ONLINE_FOLLOWUP = "online_followup"  # 在线复诊
    ONLINE_CONSULTATION = "online_consultation"  # 在线咨询: advice only, never a prescription
    IN_PERSON = "in_person"  # 线下面诊


class EncounterStatus(StrEnum):
    REQUESTED = "requested"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    CANCELLED = "cancelled"


class Eligibility(StrEnum):
    UNDECIDED = "undecided"
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"


class TerminationReason(StrEnum):
    CONDITION_CHANGED = "condition_changed"  # 病情变化
    FIRST_VISIT = "first_visit"  # 判断为首诊
    UNSUITABLE_ONLINE = "unsuitable_online"  # 不适宜线上诊疗


OPEN_STATUSES = frozenset({EncounterStatus.REQUESTED, EncounterStatus.IN_PROGRESS})
ONLINE_KINDS = frozenset({EncounterKind.ONLINE_FOLLOWUP, EncounterKind.ONLINE_CONSULTATION})


@dataclass(frozen=True)
class EncounterFacts:
    """What the prescribing gate needs to know about one encounter."""

    kind: EncounterKind
    status: EncounterStatus
    eligibility: Eligibility
    prior_diagnosis_documents: int
    patient_age: int
    guardian_present: bool
    doctor_online_enabled: bool


def prescribing_blockers(facts: EncounterFacts) -> tuple[str, ...]:
    """Reasons, as stable codes, why no prescription may be written now; empty means allowed.

    Codes: encounter_not_open, consultation_cannot_prescribe, doctor_not_enabled_online,
    no_prior_diagnosis_document, eligibility_undecided, not_eligible, guardian_required.
    """
    blockers = []
    if facts.status not in OPEN_STATUSES:
        blockers.append("encounter_not_open")
    if facts.kind == EncounterKind.ONLINE_CONSULTATION:
        blockers.append("consultation_cannot_prescribe")
    if facts.kind in ONLINE_KINDS and not facts.doctor_online_enabled:
        blockers.append("doctor_not_enabled_online")
    if facts.kind == EncounterKind.ONLINE_FOLLOWUP:
        blockers.extend(_followup_blockers(facts))
    return tuple(blockers)


def _followup_blockers(facts: EncounterFacts) -> list[str]:
    blockers = []
    if facts.prior_diagnosis_documents == 0:
        blockers.append("no_prior_diagnosis_document")
    if facts.eligibility == Eligibility.UNDECIDED:
        blockers.append("eligibility_undecided")
    elif facts.eligibility == Eligibility.NOT_ELIGIBLE:
        blockers.append("not_eligible")
    if needs_guardian(facts.patient_age) and not facts.guardian_present:
        blockers.append("guardian_required")
    return blockers


def needs_guardian(age: int) -> bool:
    """A child under 6 may only be seen online with the guardian present."""
    return age < GUARDIAN_REQUIRED_UNDER_AGE


def may_enable_online(years_independent_practice: int) -> bool:
    """Only doctors with at least 3 years of independent practice may work online."""
    return years_independent_practice >= MIN_ONLINE_PRACTICE_YEARS


class OnlineCareError(RuleError):
    """A decision the online-care rules refuse, with a stable code."""


def require_recordable_eligibility(
    kind: EncounterKind, decision: Eligibility, documents: int
) -> None:
    """Refuse (OnlineCareError) an eligibility decision that cannot be recorded.

    A doctor can only find a follow-up eligible once a prior-diagnosis document is attached.
    """
    if kind != EncounterKind.ONLINE_FOLLOWUP:
        code = "not_a_followup"
    elif decision == Eligibility.UNDECIDED:
        code = "decision_required"
    elif decision == Eligibility.ELIGIBLE and documents == 0:
        code = "no_prior_diagnosis_document"
    else:
        return
    raise OnlineCareError(code, f"eligibility cannot be recorded: {code}")
