"""Repeat prescriptions (续方): the patient (or guardian) asks to renew a dispensed prescription
with a short update, written or said in a voice note (语音留言); that opens an online follow-up
with the same doctor, tied to the earlier prescription. The doctor decides eligibility as for any
follow-up, then renews it (a new draft with the same herbs, packets and usage, which the doctor
may change, reviews and signs anew: never automatic) or declines with a reason the patient
reads. Flushes; the caller commits."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from herbs.models import Prescription, PrescriptionLine, PrescriptionRenewal
from herbs.renewal_rules import RenewalFacts, RenewalLimits, renewal_refusal
from herbs.services import prescriptions
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.common.online_care import EncounterKind
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.services import inbox
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today, to_clinic, utc_now
from tcm_app.services.encounters import request_encounter
from tcm_app.services.transitions import move
from tcm_app.services.voice_uploads import (
    Recording,
    add_with_recording,
    checked_recording,
    required_words_or_voice,
)

REQUESTED, RENEWED, DECLINED = "requested", "renewed", "declined"
UPDATE_MAX_CHARS = 1000
DECLINED_TEXT = _l("Dr %(name)s did not renew your prescription: %(reason)s")
REQUESTED_TEXT = _l("%(name)s asks to renew a prescription.")
# The visit's chief complaint when the update is only said (the visit record needs words).
SPOKEN_COMPLAINT = _l("Repeat prescription: the update is in a voice note.")


def limits() -> RenewalLimits:
    config = current_app.config
    return RenewalLimits(config["RENEWAL_WINDOW_DAYS"], config["RENEWAL_MAX_IN_A_ROW"])


def renewal_of_encounter(encounter_id: int) -> PrescriptionRenewal | None:
    return db.session.scalar(
        select(PrescriptionRenewal).where(PrescriptionRenewal.encounter_id == encounter_id)
    )


def in_a_row(prescription: Prescription) -> int:
    """How many renewals led to this prescription (its visit a renewal, that one's source …)."""
    count, current = 0, prescription
    while (renewal := renewal_of_encounter(current.encounter_id)) is not None:
        count += 1
        current = renewal.source
    return count


def _pending(prescription: Prescription) -> bool:
    waiting = select(func.count()).where(
        PrescriptionRenewal.source_id == prescription.id, PrescriptionRenewal.status == REQUESTED
    )
    return bool(db.session.scalar(waiting))


def refusal(prescription: Prescription):
    """Why this prescription cannot be renewed now (a RenewalError), or None."""
    signed = prescription.signed_at or prescription.created_at
    facts = RenewalFacts(
        status=prescriptions.effective_status(prescription),
        signed_on=to_clinic(signed).date(),
        today=clinic_today(),
        in_a_row=in_a_row(prescription),
        pending=_pending(prescription),
    )
    return renewal_refusal(facts, limits())


def request_renewal(
    actor: User, prescription: Prescription, update: str, voice: bytes | None = None
) -> PrescriptionRenewal:
    """The patient's side asks, with the update written, said in a voice note (语音留言: the
    words then optional), or both; the recording is checked before anything is kept. Refused
    with the rule's reason, or the doctor's (not online)."""
    if actor.role != Role.PATIENT or prescription.patient_id not in own_patient_ids(actor):
        raise NotFoundError("prescription not found")
    recording = checked_recording(voice)
    text = _update_words(update, recording)
    refused = refusal(prescription)
    if refused is not None:
        raise refused.refusal(ConflictError).audited(
            "prescription.renewal_refused", "prescription", prescription.id
        )
    encounter = request_encounter(
        actor, prescription.encounter.patient, prescription.encounter.doctor,
        EncounterKind.ONLINE_FOLLOWUP, text or _spoken_complaint(), clinic_today(),
    )  # fmt: skip

    def renewal_row(audio_key: str | None, audio_mime: str | None) -> PrescriptionRenewal:
        return PrescriptionRenewal(
            source_id=prescription.id, encounter_id=encounter.id,
            patient_id=prescription.patient_id, update_text=text, status=REQUESTED,
            requested_by_id=actor.id, requested_at=utc_now(),
            audio_key=audio_key, audio_mime=audio_mime,
        )  # fmt: skip

    def voice_audited(row: PrescriptionRenewal) -> None:
        record_audit("prescription.renewal_voice", "prescription", prescription.id,
                     f"renewal {row.id}: voice note ({row.audio_mime})", actor=actor)  # fmt: skip

    renewal = add_with_recording(recording, renewal_row, voice_audited)
    record_audit(
        "prescription.renewal_request", "prescription", prescription.id,
        f"renewal asked: visit {encounter.id}", actor=actor,
    )  # fmt: skip
    doctor = prescription.encounter.doctor
    inbox.post(
        doctor, "renewal",
        inbox.text_for(doctor, REQUESTED_TEXT, name=prescription.encounter.patient.legal_name),
        link=inbox.path_for("core.encounter_view", encounter_id=encounter.id),
        subject=("encounter", encounter.id),
    )  # fmt: skip
    return renewal


def _update_words(update: str | None, recording: Recording | None) -> str:
    """The written update: required unless a voice note says it, never too long."""
    text = required_words_or_voice(update, recording, "update")
    if len(text) > UPDATE_MAX_CHARS:
        raise ValidationError("at most 1000 characters", "update_too_long",
                              {"update": ["update_too_long"]})  # fmt: skip
    return text


def _spoken_complaint() -> str:
    """The visit's chief complaint for a spoken update, in the clinic's language (the record's,
    not the page's)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(SPOKEN_COMPLAINT)


def _require_doctor(renewal: PrescriptionRenewal, doctor: User) -> None:
    if doctor.id != renewal.encounter.doctor_id:
        raise NotFoundError("renewal not found")
    if renewal.status != REQUESTED:
        raise ConflictError("this renewal is already decided", "renewal_decided")


def renew(renewal: PrescriptionRenewal, doctor: User) -> Prescription:
    """A draft on the renewal's visit with the earlier herbs, packets and usage, for the doctor
    to review, change if need be, and sign anew. Prescribing must be allowed on the visit
    (eligibility decided, a prior diagnosis on record): open_draft refuses otherwise."""
    _require_doctor(renewal, doctor)
    draft = prescriptions.open_draft(renewal.encounter, doctor)
    source = renewal.source
    if not draft.lines:
        draft.packets, draft.usage, draft.template_id = source.packets, source.usage, None
        draft.lines = [
            PrescriptionLine(position=line.position, herb_id=line.herb_id,
                             written_name=line.written_name, dose_g=line.dose_g,
                             method=line.method)
            for line in source.lines
        ]  # fmt: skip
        db.session.flush()
    move(
        renewal, expected=REQUESTED,
        values={"status": RENEWED, "decided_by_id": doctor.id, "decided_at": utc_now(),
                "new_prescription_id": draft.id},
        refusal=ConflictError("this renewal is already decided", "renewal_decided"),
    )  # fmt: skip
    record_audit(
        "prescription.renewal_renew", "prescription", draft.id,
        f"renewal of prescription {source.id}", actor=doctor,
    )  # fmt: skip
    return draft


def decline(renewal: PrescriptionRenewal, doctor: User, reason: str) -> None:
    """No renewal, with the reason the patient reads (for instance: come to the clinic)."""
    _require_doctor(renewal, doctor)
    text = (reason or "").strip()
    if not text:
        raise ValidationError("give the reason", "reason_required", {"reason": ["required"]})
    move(
        renewal, expected=REQUESTED,
        values={"status": DECLINED, "decided_by_id": doctor.id, "decided_at": utc_now(),
                "decline_reason": text[:UPDATE_MAX_CHARS]},
        refusal=ConflictError("this renewal is already decided", "renewal_decided"),
    )  # fmt: skip
    record_audit(
        "prescription.renewal_decline", "prescription", renewal.source_id, text[:200],
        actor=doctor,
    )  # fmt: skip
    patient = renewal.encounter.patient
    reader = inbox.recipient_of(patient)
    if reader is not None:
        inbox.post_about(
            patient, "renewal",
            inbox.text_for(reader, DECLINED_TEXT, name=doctor.full_name, reason=text),
            link=inbox.path_for("core.encounter_view", encounter_id=renewal.encounter_id),
            subject=("encounter", renewal.encounter_id),
        )  # fmt: skip
