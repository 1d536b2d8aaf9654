"""The doctor's side of constitution assessment: what the visit page and the workbench show
(the latest assessment, its changes, the confirmed constitution, open requests), confirming a
constitution (which may differ from the questionnaire's) and asking a patient to take it."""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from constitution.charts import Change
from constitution.models import Assessment, AssessmentRequest, Confirmation
from constitution.services import scales
from constitution.services.assessments import (
    open_requests,
    previous_in,
    submitted_by_patient,
    submitted_for,
)
from constitution.services.results import (
    ResultView,
    changes_since,
    latest_confirmation,
    result_view,
)
from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.encounters import Encounter
from tcm_app.services import inbox
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import utc_now

TYPES = scales.type_codes()
REQUESTED = _l("Dr %(name)s asks you to take the constitution questionnaire before your visit.")


@dataclass
class EncounterPanel:
    latest: ResultView | None
    count: int
    confirmation: Confirmation | None
    requests: list[AssessmentRequest]


def encounter_panel(encounter: Encounter) -> EncounterPanel:
    taken = submitted_for(encounter.patient_id)
    latest = max(taken, key=lambda a: (a.submitted_at, a.id)) if taken else None
    return EncounterPanel(
        latest=result_view(latest) if latest is not None else None,
        count=len(taken),
        confirmation=latest_confirmation(encounter.patient_id),
        requests=open_requests(encounter.patient_id),
    )


def confirm(
    doctor: User,
    encounter: Encounter,
    primary: list[str],
    tendencies: list[str],
    note: str,
    assessment_id: int | None,
) -> Confirmation:
    """Record the constitution the doctor confirms on this visit. Flushes."""
    unknown = [code for code in (*primary, *tendencies) if code not in TYPES]
    if not primary or unknown:
        raise ValidationError("choose the constitution", "constitution_required",
                              fields={"primary": ["constitution_required"]})  # fmt: skip
    if "pinghe" in tendencies or set(primary) & set(tendencies):
        raise ValidationError("a tendency is a biased type not already chosen", "bad_tendency",
                              fields={"tendencies": ["bad_tendency"]})  # fmt: skip
    assessment = db.session.get(Assessment, assessment_id) if assessment_id else None
    if assessment is not None and assessment.patient_id != encounter.patient_id:
        assessment = None
    confirmation = Confirmation(
        patient_id=encounter.patient_id,
        assessment_id=assessment.id if assessment is not None else None,
        encounter_id=encounter.id,
        doctor_id=doctor.id,
        primary=list(primary),
        tendencies=list(tendencies),
        note=note.strip(),
        created_at=utc_now(),
    )
    db.session.add(confirmation)
    db.session.flush()
    record_audit(
        "constitution.confirm", "constitution_confirmation", confirmation.id,
        f"constitution confirmed: {', '.join(primary)}",
        {"primary": primary, "tendencies": tendencies, "encounter": encounter.id}, actor=doctor,
    )  # fmt: skip
    return confirmation


def request_assessment(doctor: User, encounter: Encounter, note: str) -> AssessmentRequest:
    """Ask the patient (or guardian) to take the questionnaire; they get a message. Flushes."""
    existing = open_requests(encounter.patient_id)
    if existing:
        return existing[-1]
    request = AssessmentRequest(
        patient_id=encounter.patient_id,
        doctor_id=doctor.id,
        encounter_id=encounter.id,
        status="open",
        note=note.strip(),
        requested_at=utc_now(),
    )
    db.session.add(request)
    db.session.flush()
    record_audit(
        "constitution.request", "constitution_request", request.id,
        "constitution questionnaire requested", {"encounter": encounter.id}, actor=doctor,
    )  # fmt: skip
    inbox.post_about(
        encounter.patient,
        "constitution_request",
        inbox.text_about(encounter.patient, REQUESTED, name=doctor.full_name),
        link=inbox.path_for("constitution.my_assessments", patient_id=encounter.patient_id),
        subject=("constitution_request", request.id),
    )
    return request


def requested_by(doctor: User, limit: int = 20) -> list[AssessmentRequest]:
    """The doctor's requests, open first, then the most recently answered (with their patients:
    the workbench names each)."""
    return list(
        db.session.scalars(
            select(AssessmentRequest)
            .where(AssessmentRequest.doctor_id == doctor.id)
            .order_by(AssessmentRequest.status.desc(), AssessmentRequest.id.desc())
            .limit(limit)
            .options(selectinload(AssessmentRequest.patient))
        )
    )


def answers_to(requests: list[AssessmentRequest]) -> dict[int, Assessment]:
    """The submitted assessment answering each of the requests, by request id (one query)."""
    if not requests:
        return {}
    answers: dict[int, Assessment] = {}
    for assessment in db.session.scalars(
        select(Assessment)
        .where(
            Assessment.request_id.in_([request.id for request in requests]),
            Assessment.status == "submitted",
        )
        .order_by(Assessment.id)
    ):
        if assessment.request_id is not None:  # always: it was asked by request id
            answers.setdefault(assessment.request_id, assessment)
    return answers


RECENT_DAYS = 30


@dataclass
class RecentAssessment:
    """A patient's latest questionnaire on the workbench, with what changed since the one before."""

    assessment: Assessment
    changes: list[Change]


def recent_assessments(doctor: User, limit: int = 10) -> list[RecentAssessment]:
    """The latest submitted assessments (last 30 days) of the doctor's patients, newest first,
    each with its changes since the patient's previous one (their patients and histories read
    for all of them at once)."""
    seen = select(Encounter.patient_id).where(Encounter.doctor_id == doctor.id)
    since = utc_now() - timedelta(days=RECENT_DAYS)
    rows = list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.patient_id.in_(seen),
                Assessment.status == "submitted",
                Assessment.submitted_at >= since,
            )
            .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
            .limit(limit)
            .options(selectinload(Assessment.patient))
        )
    )
    histories = submitted_by_patient({assessment.patient_id for assessment in rows})
    return [
        RecentAssessment(a, changes_since(previous_in(histories[a.patient_id], a), a)) for a in rows
    ]
