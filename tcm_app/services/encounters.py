"""Encounters: request, start, eligibility, diagnosis, four-examination notes, termination."""

from datetime import date

from sqlalchemy import select

from tcm_app.common import diagnosis_codes
from tcm_app.common.errors import ConflictError, PermissionDeniedError, ValidationError
from tcm_app.common.online_care import (
    ONLINE_KINDS,
    OPEN_STATUSES,
    Eligibility,
    EncounterFacts,
    EncounterKind,
    EncounterStatus,
    OnlineCareError,
    TerminationReason,
    needs_guardian,
    prescribing_blockers,
    require_recordable_eligibility,
)
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter, EncounterDiagnosis
from tcm_app.models.patients import Patient
from tcm_app.models.types import utcnow
from tcm_app.services import codes, patients
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today
from tcm_app.services.patients import patient_age
from tcm_app.services.voice_uploads import add_with_recording, checked_recording

FOUR_EXAM_FIELDS = ("inspection_note", "listening_note", "inquiry_note", "palpation_note")
NOTE_MAX_CHARS = 4000


def request_encounter(
    actor: User,
    patient: Patient,
    doctor: User,
    kind: str,
    chief_complaint: str,
    scheduled_on: date,
    voice: bytes | None = None,
) -> Encounter:
    """Open a visit request. Online visits need a doctor enabled for online care. `voice`: the
    patient's words also said in a voice note (语音留言), checked from its header before anything
    is kept; the written chief complaint stays required (the record's 主诉)."""
    kind = EncounterKind(kind)
    profile = doctor.doctor_profile if doctor.role == Role.DOCTOR else None
    if profile is None or not doctor.active:
        raise ValidationError("choose an active doctor", fields={"doctor_id": ["invalid"]})
    if kind in ONLINE_KINDS and not profile.online_enabled:
        raise ValidationError(
            "this doctor does not see patients online",
            "doctor_not_online",
            {"doctor_id": ["doctor_not_online"]},
        )
    if actor.role == Role.PATIENT and kind == EncounterKind.IN_PERSON:
        raise PermissionDeniedError("in-person visits are registered at the clinic desk")
    if kind in ONLINE_KINDS and not (chief_complaint or "").strip():
        raise ValidationError(
            "describe what troubles the patient",
            "complaint_required",
            {"chief_complaint": ["required"]},
        )
    recording = checked_recording(voice)

    def visit(audio_key: str | None, audio_mime: str | None) -> Encounter:
        return Encounter(
            patient=patient,
            doctor=doctor,
            department_id=profile.department_id,
            kind=kind,
            chief_complaint=(chief_complaint or "").strip()[:NOTE_MAX_CHARS],
            requested_by_id=actor.id,
            scheduled_on=scheduled_on,
            guardian_id=patient.guardian_id,
            complaint_audio_key=audio_key,
            complaint_audio_mime=audio_mime,
        )

    def voice_audited(row: Encounter) -> None:
        record_audit("encounter.complaint_voice", "encounter", row.id,
                     f"voice note ({row.complaint_audio_mime})", actor=actor)  # fmt: skip

    encounter = add_with_recording(recording, visit, voice_audited)
    record_audit(
        "encounter.request",
        "encounter",
        encounter.id,
        f"{kind} requested for patient {patient.id} with doctor {doctor.id}",
        actor=actor,
    )
    return encounter


def _check_version(encounter: Encounter, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != encounter.version:
        raise ConflictError("the visit changed meanwhile; reload and try again", "stale")


def _require_treating_doctor(encounter: Encounter, doctor: User) -> None:
    if doctor.id != encounter.doctor_id:
        raise PermissionDeniedError("only the treating doctor may change this visit")
    if encounter.status not in OPEN_STATUSES:
        raise ConflictError("this visit is closed", "encounter_closed")


def _set_status(
    encounter: Encounter,
    new_status: EncounterStatus,
    actor: User,
    summary: str,
    details: dict | None = None,
) -> None:
    before = encounter.status
    encounter.status = new_status
    record_audit(
        "encounter.status",
        "encounter",
        encounter.id,
        summary,
        {"before": before, "after": new_status, **(details or {})},
        actor=actor,
    )


def start_encounter(encounter: Encounter, doctor: User, expected_version=None) -> None:
    _require_treating_doctor(encounter, doctor)
    _check_version(encounter, expected_version)
    if encounter.status != EncounterStatus.REQUESTED:
        raise ConflictError("visit already started", "already_started")
    encounter.started_at = utcnow()
    _set_status(encounter, EncounterStatus.IN_PROGRESS, doctor, "doctor started the visit")


def decide_eligibility(
    encounter: Encounter, doctor: User, decision: str, reason: str, expected_version=None
) -> None:
    """The treating doctor judges whether the follow-up meets the revisit rules (复诊条件)."""
    _require_treating_doctor(encounter, doctor)
    _check_version(encounter, expected_version)
    decision = Eligibility(decision)
    try:
        kind, documents = EncounterKind(encounter.kind), len(encounter.active_documents)
        require_recordable_eligibility(kind, decision, documents)
    except OnlineCareError as exc:
        raise exc.refusal() from exc
    reason = (reason or "").strip()
    if decision == Eligibility.NOT_ELIGIBLE and not reason:
        raise ValidationError(
            "give the reason the visit is not eligible", "reason_required", {"reason": ["required"]}
        )
    before = encounter.eligibility
    encounter.eligibility = decision
    encounter.eligibility_reason = reason[:NOTE_MAX_CHARS]
    encounter.eligibility_decided_by_id = doctor.id
    encounter.eligibility_decided_at = utcnow()
    record_audit(
        "encounter.eligibility",
        "encounter",
        encounter.id,
        f"eligibility {decision}",
        {"before": before, "after": decision, "reason": reason},
        actor=doctor,
    )


def set_guardian_present(encounter: Encounter, doctor: User, present: bool) -> None:
    _require_treating_doctor(encounter, doctor)
    if present and encounter.guardian_id is None:
        raise ValidationError("no guardian is linked to this patient", "no_guardian")
    encounter.guardian_present = present
    record_audit(
        "encounter.guardian_present",
        "encounter",
        encounter.id,
        f"guardian present: {present}",
        actor=doctor,
    )


def record_renal_function(encounter: Encounter, doctor: User, status: str) -> None:
    """The treating doctor records the patient's kidney function during the visit."""
    _require_treating_doctor(encounter, doctor)
    patients.set_renal_function(encounter.patient, status, doctor)


def record_four_exam_notes(encounter: Encounter, doctor: User, notes: dict, expected_version=None):
    """Save the four-examination notes (望闻问切); the audit entry keeps the previous text."""
    _require_treating_doctor(encounter, doctor)
    _check_version(encounter, expected_version)
    changes = {}
    for field in FOUR_EXAM_FIELDS:
        new = (notes.get(field) or "").strip()
        if len(new) > NOTE_MAX_CHARS:
            raise ValidationError("note too long", fields={field: ["too_long"]})
        if new != getattr(encounter, field):
            changes[field] = {"before": getattr(encounter, field), "after": new}
            setattr(encounter, field, new)
    if changes:
        record_audit(
            "encounter.notes",
            "encounter",
            encounter.id,
            f"four-examination notes changed: {', '.join(changes)}",
            changes,
            actor=doctor,
        )


def record_diagnosis(
    encounter: Encounter,
    doctor: User,
    disease_name: str,
    syndrome_name: str,
    disease_code: str = "",
    syndrome_code: str = "",
    treatment_method: str = "",
    is_primary: bool = True,
    method_code: str = "",
    western_name: str = "",
    western_code: str = "",
) -> EncounterDiagnosis:
    """Disease + syndrome (病 + 证), coded from the GB/T 15657-2021 table: a code given must be in
    the table (active, of its kind, with the name given); a name alone is coded when the table
    knows it. The Western diagnosis (ICD-10) runs alongside as free text with an optional code."""
    _require_treating_doctor(encounter, doctor)
    disease_name, syndrome_name = (disease_name or "").strip(), (syndrome_name or "").strip()
    treatment_method = (treatment_method or "").strip()[:64]
    errors = {}
    if not disease_name:
        errors["disease_name"] = ["required"]
    if not syndrome_name:
        errors["syndrome_name"] = ["required"]
    resolved = {}
    for field_name, kind, name, code in (
        ("disease_code", "disease", disease_name, disease_code),
        ("syndrome_code", "pattern", syndrome_name, syndrome_code),
        ("method_code", "method", treatment_method, method_code),
    ):
        try:
            resolved[field_name] = codes.resolve(kind, name, code, field_name)
        except ValidationError as exc:
            errors.update(exc.fields)
    western_code = (western_code or "").strip().upper()
    if western_code and not diagnosis_codes.ICD10_CODE.match(western_code):
        errors["western_code"] = ["format"]
    if errors:
        raise ValidationError("diagnosis incomplete or malformed", fields=errors)
    disease_code = resolved["disease_code"][0]
    syndrome_code = resolved["syndrome_code"][0]
    diagnosis = EncounterDiagnosis(
        encounter=encounter,
        disease_name=disease_name,
        disease_code=disease_code or None,
        syndrome_name=syndrome_name,
        syndrome_code=syndrome_code or None,
        treatment_method=treatment_method,
        method_code=resolved["method_code"][0] or None,
        western_name=(western_name or "").strip()[:64],
        western_code=western_code or None,
        is_primary=is_primary,
        recorded_by_id=doctor.id,
    )
    db.session.add(diagnosis)
    db.session.flush()
    record_audit(
        "encounter.diagnosis",
        "encounter",
        encounter.id,
        f"diagnosis {disease_name}/{syndrome_name}",
        {
            "diagnosis_id": diagnosis.id,
            "disease_code": disease_code,
            "syndrome_code": syndrome_code,
        },
        actor=doctor,
    )
    return diagnosis


def retire_diagnosis(
    encounter: Encounter, doctor: User, diagnosis_id: int, expected_version=None
) -> None:
    """Corrections retire a diagnosis; medical records are never deleted."""
    _require_treating_doctor(encounter, doctor)
    _check_version(encounter, expected_version)
    diagnosis = next((d for d in encounter.active_diagnoses if d.id == diagnosis_id), None)
    if diagnosis is None:
        raise ValidationError("no such diagnosis on this visit", "unknown_diagnosis")
    diagnosis.retired_at = utcnow()
    record_audit(
        "encounter.diagnosis_retired",
        "encounter",
        encounter.id,
        f"diagnosis {diagnosis.id} retired",
        actor=doctor,
    )


def terminate_encounter(
    encounter: Encounter, doctor: User, reason: str, note: str, expected_version=None
) -> None:
    """Stop online care (终止互联网诊疗): prescribing locks; a clinic visit is offered."""
    _require_treating_doctor(encounter, doctor)
    _check_version(encounter, expected_version)
    if encounter.kind not in ONLINE_KINDS:
        raise ValidationError("only online visits are terminated", "not_online")
    reason = TerminationReason(reason)
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            "explain the termination to the patient", "note_required", {"note": ["required"]}
        )
    encounter.termination_reason = reason
    encounter.termination_note = note[:NOTE_MAX_CHARS]
    encounter.terminated_at = utcnow()
    encounter.terminated_by_id = doctor.id
    _set_status(
        encounter,
        EncounterStatus.TERMINATED,
        doctor,
        f"online care terminated: {reason}",
        {"reason": reason, "note": note},
    )


def complete_encounter(encounter: Encounter, doctor: User, expected_version=None) -> None:
    _require_treating_doctor(encounter, doctor)
    _check_version(encounter, expected_version)
    if encounter.status != EncounterStatus.IN_PROGRESS:
        raise ConflictError("start the visit before completing it", "not_started")
    if not encounter.active_diagnoses:
        raise ValidationError(
            "record a diagnosis before completing the visit", "diagnosis_required"
        )
    temporary = [d.disease_name for d in encounter.active_diagnoses if _is_temporary(d)]
    if temporary:
        # GB/T 15657-2021: 临时诊断用术语 (胃痛, 咳嗽 …) serve while the disease is unclear; they
        # are never the final diagnosis a visit closes with.
        raise ValidationError(
            f"a temporary term is not a final diagnosis: {'、'.join(temporary)}",
            "temporary_diagnosis",
        )
    if guardian_needed(encounter) and not encounter.guardian_present:
        # A child under 6 is seen online only with the guardian present: no visit without one.
        raise ValidationError("record that the guardian is present", "guardian_required")
    encounter.completed_at = utcnow()
    _set_status(encounter, EncounterStatus.COMPLETED, doctor, "visit completed")


def _is_temporary(diagnosis: EncounterDiagnosis) -> bool:
    found = codes.find(diagnosis.disease_code) if diagnosis.disease_code else None
    return bool(found and found.temporary)


def cancel_encounter(encounter: Encounter, actor: User, expected_version=None) -> None:
    _check_version(encounter, expected_version)
    if encounter.status != EncounterStatus.REQUESTED:
        raise ConflictError("only a visit that has not started can be cancelled", "not_cancellable")
    _set_status(encounter, EncounterStatus.CANCELLED, actor, "visit cancelled")


def request_in_person_after_termination(encounter: Encounter, actor: User) -> Encounter:
    """The next step after termination: an in-person visit request with the same doctor."""
    if encounter.status != EncounterStatus.TERMINATED:
        raise ConflictError(
            "only a terminated online visit leads to this booking", "not_terminated"
        )
    existing = db.session.scalar(
        select(Encounter).where(Encounter.follows_encounter_id == encounter.id)
    )
    if existing is not None:
        return existing
    follow_up = Encounter(
        patient_id=encounter.patient_id,
        doctor_id=encounter.doctor_id,
        department_id=encounter.department_id,
        kind=EncounterKind.IN_PERSON,
        chief_complaint=encounter.chief_complaint,
        requested_by_id=actor.id,
        scheduled_on=clinic_today(),
        guardian_id=encounter.guardian_id,
        follows_encounter_id=encounter.id,
    )
    db.session.add(follow_up)
    db.session.flush()
    record_audit(
        "encounter.request",
        "encounter",
        follow_up.id,
        f"in-person visit requested after terminated visit {encounter.id}",
        actor=actor,
    )
    return follow_up


def encounter_facts(encounter: Encounter) -> EncounterFacts:
    profile = encounter.doctor.doctor_profile
    return EncounterFacts(
        kind=EncounterKind(encounter.kind),
        status=EncounterStatus(encounter.status),
        eligibility=Eligibility(encounter.eligibility),
        prior_diagnosis_documents=len(encounter.active_documents),
        patient_age=patient_age(encounter.patient),
        guardian_present=encounter.guardian_present,
        doctor_online_enabled=bool(profile and profile.online_enabled),
    )


def prescribing_status(encounter: Encounter) -> tuple[str, ...]:
    """Why no prescription may be written on this encounter now (empty: allowed)."""
    return prescribing_blockers(encounter_facts(encounter))


def guardian_needed(encounter: Encounter) -> bool:
    return encounter.kind in ONLINE_KINDS and needs_guardian(patient_age(encounter.patient))
