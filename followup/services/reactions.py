"""Adverse drug reactions (不良反应): reported by the patient (or guardian) or by staff against a
prescription, with its herbs as they were; they reach the pharmacists and the prescribing doctor
at once; a pharmacist assesses causality; the quality office records the report to the national
monitoring system by its due date (reaction_rules). Flushes."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select

from followup.models import AdverseReaction, FollowUpTask
from followup.reaction_rules import CAUSALITY, SEVERITIES, report_due
from herbs.models import Prescription, PrescriptionStatus
from herbs.services.documents import prescription_number
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.services import inbox
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today, to_clinic, utc_now
from tcm_app.services.transitions import move
from tcm_app.services.voice_uploads import add_with_recording, checked_recording

REPORTED, REVIEWED, SUBMITTED = "reported", "reviewed", "submitted"
DESCRIPTION_LIMITS = (5, 2000)
# Prescriptions a reaction can follow: signed and passed on for dispensing.
DISPENSABLE = (PrescriptionStatus.APPROVED, PrescriptionStatus.USED, PrescriptionStatus.EXPIRED)
STAFF_REPORTERS = (Role.DOCTOR, Role.PHARMACIST, Role.CLINIC)
NEW_REACTION = _l("Adverse reaction reported for %(patient)s (prescription %(number)s): %(text)s")


def reportable_prescriptions(user: User, patient_id: int | None = None) -> list[Prescription]:
    """What `user` may report a reaction to: a patient their own and wards' dispensed
    prescriptions; a doctor those they wrote; a pharmacist or clinic staff any dispensed one of
    `patient_id`."""
    query = select(Prescription).where(Prescription.status.in_(DISPENSABLE))
    if user.role == Role.PATIENT:
        query = query.where(Prescription.patient_id.in_(own_patient_ids(user)))
    elif user.role == Role.DOCTOR:
        query = query.where(Prescription.doctor_id == user.id)
    elif user.role not in STAFF_REPORTERS:
        return []
    if patient_id is not None:
        query = query.where(Prescription.patient_id == patient_id)
    return list(db.session.scalars(query.order_by(Prescription.id.desc()).limit(50)))


def report(
    actor: User,
    prescription: Prescription,
    *,
    onset_on: date | None,
    severity: str,
    description: str,
    suspected: list[str],
    task: FollowUpTask | None = None,
    voice: bytes | None = None,
) -> AdverseReaction:
    """The report; `voice`: the reporter's account also said in a voice note (语音留言), checked
    from its header before anything is kept. The written description stays required: it is
    what goes to the monitoring system."""
    if prescription.id not in {p.id for p in reportable_prescriptions(actor)}:
        raise NotFoundError("prescription not found")
    description = (description or "").strip()
    herbs = [{"name": line.written_name, "dose_g": line.dose_g} for line in prescription.lines]
    _check(prescription, onset_on, severity, description, suspected, herbs)
    recording = checked_recording(voice)
    assert onset_on is not None

    def reaction_row(audio_key: str | None, audio_mime: str | None) -> AdverseReaction:
        return AdverseReaction(
            patient_id=prescription.patient_id,
            prescription_id=prescription.id,
            task_id=task.id if task else None,
            reported_by_id=actor.id,
            reporter_role=str(actor.role),
            reported_at=utc_now(),
            onset_on=onset_on,
            severity=severity,
            description=description,
            herbs=herbs,
            suspected=list(dict.fromkeys(suspected)),
            report_due_on=report_due(clinic_today(), severity),
            status=REPORTED,
            audio_key=audio_key,
            audio_mime=audio_mime,
        )

    def voice_audited(row: AdverseReaction) -> None:
        record_audit("followup.reaction_voice", "adverse_reaction", row.id,
                     f"voice note ({row.audio_mime})", actor=actor)  # fmt: skip

    reaction = add_with_recording(recording, reaction_row, voice_audited)
    record_audit(
        "followup.reaction", "adverse_reaction", reaction.id,
        f"adverse reaction ({severity}) to prescription {prescription.id} reported",
        {"prescription": prescription.id}, actor=actor,
    )  # fmt: skip
    _tell_staff(reaction, prescription)
    return reaction


def _check(prescription, onset_on, severity, description, suspected, herbs) -> None:
    fields: dict[str, list[str]] = {}
    signed_on = to_clinic(prescription.signed_at).date() if prescription.signed_at else None
    if onset_on is None:
        fields["onset_on"] = ["onset_required"]
    elif onset_on > clinic_today():
        fields["onset_on"] = ["onset_in_future"]
    elif signed_on and onset_on < signed_on:
        fields["onset_on"] = ["onset_before_prescription"]
    if severity not in SEVERITIES:
        fields["severity"] = ["severity_required"]
    low, high = DESCRIPTION_LIMITS
    if not low <= len(description) <= high:
        fields["description"] = ["description_length"]
    if set(suspected) - {herb["name"] for herb in herbs}:
        fields["suspected"] = ["not_in_prescription"]
    if fields:
        raise ValidationError("the report is incomplete", next(iter(fields.values()))[0], fields)


def _tell_staff(reaction: AdverseReaction, prescription: Prescription) -> None:
    """Every pharmacist and the prescribing doctor, each in their own language."""
    params = {
        "patient": prescription.patient.legal_name,
        "number": prescription_number(prescription),
        "text": reaction.description[:80],
    }
    where = {
        "link": inbox.path_for("followup.reaction", reaction_id=reaction.id),
        "patient": prescription.patient,
        "subject": ("adverse_reaction", reaction.id),
    }
    inbox.post_to_role(Role.PHARMACIST, "adverse_reaction", NEW_REACTION, params, **where)
    doctor = prescription.doctor
    inbox.post(doctor, "adverse_reaction", inbox.text_for(doctor, NEW_REACTION, **params), **where)


def review(reaction: AdverseReaction, pharmacist: User, causality: str, note: str) -> None:
    note = (note or "").strip()
    fields = {}
    if causality not in CAUSALITY:
        fields["causality"] = ["causality_required"]
    if not note:
        fields["note"] = ["review_note_required"]
    if fields:
        raise ValidationError("assess the reaction", next(iter(fields.values()))[0], fields)
    move(
        reaction, expected=REPORTED,
        values={"status": REVIEWED, "reviewed_by_id": pharmacist.id, "reviewed_at": utc_now(),
                "causality": causality, "review_note": note},
        refusal=ConflictError("this reaction has been assessed already", "reaction_reviewed"),
    )  # fmt: skip
    record_audit(
        "followup.reaction_review", "adverse_reaction", reaction.id,
        f"causality assessed: {causality}", actor=pharmacist,
    )  # fmt: skip


def record_submission(reaction: AdverseReaction, officer: User, reference: str) -> None:
    """The quality office has reported it to the national monitoring system (reference: the
    system's report number)."""
    reference = (reference or "").strip()
    if not reference or len(reference) > 64:
        fields = {"reference": ["reference_required"]}
        raise ValidationError("give the report number", "reference_required", fields)
    move(
        reaction, expected=REVIEWED,
        values={"status": SUBMITTED, "submitted_by_id": officer.id, "submitted_at": utc_now(),
                "submission_ref": reference},
        refusal=ConflictError("assess the reaction before reporting it", "reaction_not_reviewed"),
    )  # fmt: skip
    record_audit(
        "followup.reaction_submit", "adverse_reaction", reaction.id,
        f"reported to the monitoring system as {reference}", actor=officer,
    )  # fmt: skip


def reactions_query(user: User):
    """What a user may see: pharmacists and the quality office all; a doctor those on their
    prescriptions; a patient their own and wards'."""
    query = select(AdverseReaction)
    if user.role == Role.PATIENT:
        return query.where(AdverseReaction.patient_id.in_(own_patient_ids(user)))
    if user.role == Role.DOCTOR:
        return query.join(Prescription).where(Prescription.doctor_id == user.id)
    if user.role in (Role.PHARMACIST, Role.QUALITY):
        return query
    return query.where(AdverseReaction.id.is_(None))


def visible_reaction(user: User, reaction_id: int) -> AdverseReaction:
    reaction = db.session.scalar(reactions_query(user).where(AdverseReaction.id == reaction_id))
    if reaction is None:
        raise NotFoundError("adverse reaction not found")
    return reaction


def ordered(query):
    """Open ones first (to assess, then to report), each by its report due date."""
    order = case({REPORTED: 0, REVIEWED: 1}, value=AdverseReaction.status, else_=2)
    return query.order_by(order, AdverseReaction.report_due_on, AdverseReaction.id.desc())


def reaction_list(user: User, limit: int = 200) -> list[AdverseReaction]:
    return list(db.session.scalars(ordered(reactions_query(user)).limit(limit)))
