"""Complaints (投诉): a patient (or guardian) files one, optionally about something they
received; its answer is due QUALITY_COMPLAINT_ANSWER_DAYS working days later (quality/rules.py);
the quality officer records steps (notes, contacts with the patient) and the answer. Every step
is kept in order and audited; the patient is told of the answer in the inbox. Nothing is
deleted."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from quality import rules
from quality.models import Complaint, ComplaintStep
from quality.services import subjects
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.patients import Patient
from tcm_app.services import inbox
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_zone, utc_now
from tcm_app.services.transitions import move
from tcm_app.services.voice_uploads import (
    Recording,
    add_with_recording,
    checked_recording,
    required_words_or_voice,
)

ANSWERED_TEXT = _l("Your complaint has been answered; open it to read the answer.")
FILED_TEXT = _l("A new complaint waits for an answer by %(due)s.")


def _refuse(exc: rules.QualityError, field: str):
    return exc.refusal(ValidationError, fields={field: [exc.code]})


def _text(value: str, field: str, code: str = "text_required") -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError("text required", code, {field: [code]})
    if len(value) > rules.COMPLAINT_MAX:
        raise ValidationError("too long", "text_too_long", {field: ["text_too_long"]},
                              {"max": rules.COMPLAINT_MAX})  # fmt: skip
    return value


def about_choices(user: User) -> list[subjects.Subject]:
    """What the patient may name in a complaint: what they received."""
    ids = own_patient_ids(user)
    return subjects.received(ids) if ids else []


def file(
    user: User, patient_id: int, about: str, text: str, voice: bytes | None = None
) -> Complaint:
    """A complaint by the patient (or their guardian); `about` is "" or "<kind>:<id>" of
    something the patient received. Written, said in a voice note (语音留言: the words then
    optional), or both; the recording is checked before anything is kept. Flushes."""
    ids = own_patient_ids(user)
    if patient_id not in ids:
        raise NotFoundError("patient not found")
    recording = checked_recording(voice)
    text = _words(text, recording)
    subject = None
    if about:
        kind, _, raw_id = about.partition(":")
        subject = subjects.subject([patient_id], kind, int(raw_id) if raw_id.isdigit() else 0)
    now = utc_now()
    days = current_app.config["QUALITY_COMPLAINT_ANSWER_DAYS"]

    def complaint_row(audio_key: str | None, audio_mime: str | None) -> Complaint:
        return Complaint(
            patient_id=patient_id, filed_by_id=user.id,
            subject_type=subject.kind if subject else None,
            subject_id=subject.id if subject else None,
            doctor_id=subject.doctor_id if subject else None,
            department_id=subject.department_id if subject else None,
            text=text, filed_at=now, due_at=rules.complaint_due(now, days, clinic_zone()),
            status=rules.COMPLAINT_FILED, audio_key=audio_key, audio_mime=audio_mime,
        )  # fmt: skip

    def voice_audited(row: Complaint) -> None:
        record_audit("quality.complaint_voice", "quality_complaint", row.id,
                     f"voice note ({row.audio_mime})", actor=user)  # fmt: skip

    complaint = add_with_recording(recording, complaint_row, voice_audited)
    _step(complaint, "filed", text, user)
    record_audit("quality.complaint_file", "quality_complaint", complaint.id, "complaint filed",
                 {"about": about, "voice": recording is not None}, actor=user)  # fmt: skip
    due = complaint.due_at.astimezone(clinic_zone()).strftime("%Y-%m-%d %H:%M")
    inbox.post_to_role(Role.QUALITY, "quality_complaint", FILED_TEXT, {"due": due},
                       link=inbox.path_for("quality.complaint_handle", complaint_id=complaint.id),
                       subject=("quality_complaint", complaint.id))  # fmt: skip
    return complaint


def _words(text: str, recording: Recording | None) -> str:
    """The complaint's words: required unless a voice note says it, never too long."""
    words = required_words_or_voice(text, recording, "text")
    return _text(words, "text") if words else ""


def _step(complaint: Complaint, kind: str, text: str, actor: User) -> ComplaintStep:
    step = ComplaintStep(
        complaint_id=complaint.id, kind=kind, text=text, actor_id=actor.id, occurred_at=utc_now()
    )
    db.session.add(step)
    db.session.flush()
    db.session.expire(complaint, ["steps"])
    return step


def patient_complaints(user: User) -> list[Complaint]:
    ids = own_patient_ids(user)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Complaint)
            .where(Complaint.patient_id.in_(ids))
            .order_by(Complaint.filed_at.desc(), Complaint.id.desc())
        )
    )


def own_complaint(user: User, complaint_id: int) -> Complaint:
    """A complaint the patient (or guardian) filed for one of theirs; another's looks missing."""
    complaint = db.session.get(Complaint, complaint_id)
    if complaint is None or complaint.patient_id not in own_patient_ids(user):
        raise NotFoundError("complaint not found")
    return complaint


def complaint(complaint_id: int) -> Complaint:
    found = db.session.get(Complaint, complaint_id)
    if found is None:
        raise NotFoundError("complaint not found")
    return found


def open_complaints() -> list[Complaint]:
    """Complaints waiting for an answer, the earliest due first."""
    return list(
        db.session.scalars(
            select(Complaint)
            .where(Complaint.status == rules.COMPLAINT_FILED)
            .order_by(Complaint.due_at, Complaint.id)
        )
    )


def recent_answered(limit: int = 20) -> list[Complaint]:
    return list(
        db.session.scalars(
            select(Complaint)
            .where(Complaint.status == rules.COMPLAINT_ANSWERED)
            .order_by(Complaint.answered_at.desc(), Complaint.id.desc())
            .limit(limit)
        )
    )


def add_step(officer: User, complaint_id: int, kind: str, text: str) -> ComplaintStep:
    """A note or a contact with the patient, kept on the complaint. Flushes."""
    found = complaint(complaint_id)
    if kind not in rules.STAFF_STEP_KINDS:
        raise ValidationError("bad step", "bad_step_kind", {"kind": ["bad_step_kind"]})
    try:
        text = rules.check_reason(text, "text_required")
    except rules.QualityError as exc:
        raise _refuse(exc, "text") from exc
    step = _step(found, kind, text, officer)
    record_audit("quality.complaint_step", "quality_complaint", found.id, kind, actor=officer)
    return step


def answer(officer: User, complaint_id: int, text: str) -> Complaint:
    """The answer, once; the patient (or guardian) is told in the inbox. Flushes."""
    found = complaint(complaint_id)
    text = _text(text, "answer")
    move(
        found, expected=rules.COMPLAINT_FILED,
        values={"status": rules.COMPLAINT_ANSWERED, "answer": text,
                "answered_by_id": officer.id, "answered_at": utc_now()},
        refusal=ConflictError("already answered", "complaint_answered"),
    )  # fmt: skip
    _step(found, "answer", text, officer)
    record_audit("quality.complaint_answer", "quality_complaint", found.id, "complaint answered",
                 actor=officer)  # fmt: skip
    patient = db.session.get(Patient, found.patient_id)
    if patient is not None:
        reader = inbox.recipient_of(patient)
        if reader is not None:
            inbox.post_about(
                patient, "quality_complaint", inbox.text_for(reader, ANSWERED_TEXT),
                link=inbox.path_for("quality.my_complaint", complaint_id=found.id),
                subject=("quality_complaint", found.id),
            )  # fmt: skip
    return found
