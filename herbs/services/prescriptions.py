"""Prescriptions (处方): draft, check, personal signature with double signatures, pharmacist review
(审方), revision after rejection, validity, single use. Services flush; the caller commits once."""

from __future__ import annotations

import secrets
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import select

from herbs import prescribing
from herbs.models import (
    FindingAcknowledgement,
    Prescription,
    PrescriptionLine,
    PrescriptionStatus,
)
from herbs.safety import (
    BLOCK,
    DOUBLE_SIGN,
    Finding,
    HerbLine,
    PatientFacts,
    check_formula,
)
from herbs.services import messages
from herbs.services.catalogue import current_catalogue
from tcm_app.common.errors import (
    ConflictError,
    PermissionDeniedError,
    TCMError,
    ValidationError,
)
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.models.patients import Patient, PregnancyStatus, RenalFunction
from tcm_app.models.types import utcnow
from tcm_app.services import transitions
from tcm_app.services.accounts import require_signing_password
from tcm_app.services.audit import record_audit
from tcm_app.services.encounters import prescribing_status
from tcm_app.services.patients import patient_age

S = PrescriptionStatus


CHILD_BEARING_AGES = range(12, 56)
KIDNEY_DISEASE: dict[str | None, bool] = {
    RenalFunction.IMPAIRED: True,
    RenalFunction.NORMAL: False,
}  # else: not recorded
CONSUME_REFUSALS: dict[str, str] = {S.USED: "prescription_used", S.EXPIRED: "prescription_expired"}


def patient_facts(patient: Patient) -> PatientFacts:
    age = patient_age(patient)
    status = patient.pregnancy_status
    unknown = (
        patient.sex == "female" and age in CHILD_BEARING_AGES and status == PregnancyStatus.UNKNOWN
    )
    return PatientFacts(
        pregnant=status == PregnancyStatus.PREGNANT,
        age=age,
        pregnancy_unknown=unknown,
        kidney_disease=KIDNEY_DISEASE.get(patient.renal_function),
    )


def check(lines: list[HerbLine], packets: int, patient: PatientFacts) -> list[Finding]:
    catalogue = current_catalogue()
    return check_formula(lines, packets, patient, catalogue.index, catalogue.rules)


def findings_for(prescription: Prescription) -> list[Finding]:
    lines = [HerbLine(line.written_name, line.dose_g) for line in prescription.lines]
    return check(lines, prescription.packets, patient_facts(prescription.patient))


def _refuse(exc, action: str, prescription: Prescription):
    return exc.audited(action, "prescription", prescription.id)


def _require_signature(signer: User, signing_password: str, action, prescription) -> None:
    """The signer's own signing password (wrong tries counted and locked in accounts)."""
    try:
        require_signing_password(signer, signing_password)
    except TCMError as exc:
        _refuse(exc, action, prescription)  # the refusal is audited on the prescription too
        raise


def _require_author(prescription: Prescription, doctor: User, action: str) -> None:
    if doctor.role != Role.DOCTOR or doctor.id != prescription.doctor_id:
        raise _refuse(
            PermissionDeniedError(
                "only the prescribing doctor may do this", "not_your_prescription"
            ),
            action,
            prescription,
        )


def _require_own_draft(prescription, doctor, expected_version, action, refusal) -> None:
    """The author acting on the version they saw, while it is still a draft."""
    _require_author(prescription, doctor, action)
    _check_version(prescription, expected_version)
    if prescription.status != S.DRAFT:
        raise _refuse(refusal, action, prescription)


def _check_version(prescription: Prescription, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != prescription.version:
        raise ConflictError("the prescription changed meanwhile; reload and try again", "stale")


def _require_prescribing_allowed(encounter: Encounter, action: str) -> None:
    blockers = prescribing_status(encounter)
    if blockers:
        exc = ConflictError(
            "prescribing is not allowed on this visit: " + ", ".join(blockers),
            "prescribing_blocked",
            {"blockers": list(blockers)},
        )
        raise exc.audited(action, "encounter", encounter.id)


def open_draft(encounter: Encounter, doctor: User) -> Prescription:
    """The doctor's open draft on this visit, or a new one (opening twice is harmless)."""
    if doctor.id != encounter.doctor_id:
        exc = PermissionDeniedError("only the treating doctor prescribes", "not_your_encounter")
        raise exc.audited("prescription.create", "encounter", encounter.id)
    _require_prescribing_allowed(encounter, "prescription.create")
    draft = db.session.scalar(
        select(Prescription).where(
            Prescription.encounter_id == encounter.id, Prescription.status == S.DRAFT
        )
    )
    if draft is not None:
        return draft
    draft = Prescription(
        encounter=encounter,
        patient_id=encounter.patient_id,
        doctor_id=doctor.id,
        packets=7,
        usage=prescribing.DEFAULT_USAGE,
        verify_token=secrets.token_urlsafe(18),
    )
    db.session.add(draft)
    db.session.flush()
    record_audit("prescription.create", "prescription", draft.id, "draft opened", actor=doctor)
    return draft


def resolve_lines(raw_lines, packets, usage) -> tuple[list[dict], dict[str, list[str]]]:
    """The editor's rows (with the packets and usage) checked and resolved to catalogue herbs:
    each line's columns (herb_id, written_name, dose_g, and the special method as written, else
    the herb's own), and the problems keyed like prescribing.parse_lines (`lines.<n>.name`:
    unknown_herb). Shared by the doctor's draft and the pharmacist's transcription of an
    outside prescription (external_rx)."""
    lines, errors = prescribing.parse_lines(raw_lines)
    for field, problem in (
        ("packets", prescribing.packets_problem(packets)),
        ("usage", prescribing.usage_problem(usage)),
    ):
        if problem:
            errors[field] = [problem]
    catalogue = current_catalogue()
    resolved = []
    for position, line in enumerate(lines):
        herb = catalogue.index.resolve(line.name)
        if herb is None:
            errors.setdefault(f"lines.{position}.name", []).append("unknown_herb")
            continue
        resolved.append({
            "herb_id": catalogue.records_by_code[herb.code], "written_name": line.name,
            "dose_g": line.dose_g, "method": line.method or herb.method,
        })  # fmt: skip
    return resolved, errors


def save_draft(
    prescription: Prescription,
    doctor: User,
    raw_lines,
    packets,
    usage,
    expected_version: int | None = None,
    template_id: int | None = None,
) -> list[Finding]:
    """Replace the draft's lines; unknown herbs or impossible amounts write nothing."""
    refusal = ConflictError("a signed prescription cannot be edited", "not_a_draft")
    _require_own_draft(prescription, doctor, expected_version, "prescription.edit", refusal)
    resolved, errors = resolve_lines(raw_lines, packets, usage)
    if errors:
        raise _refuse(
            ValidationError("the prescription has errors", "invalid_prescription", errors),
            "prescription.edit",
            prescription,
        )
    prescription.lines.clear()
    db.session.flush()
    for position, columns in enumerate(resolved):
        prescription.lines.append(PrescriptionLine(position=position, **columns))
    prescription.packets, prescription.usage = packets, usage.strip()
    prescription.template_id = template_id
    prescription.updated_at = utcnow()
    db.session.flush()
    summary = f"draft saved: {len(resolved)} lines x {packets} packets"
    record_audit("prescription.edit", "prescription", prescription.id, summary, actor=doctor)
    return findings_for(prescription)


def sign(
    prescription: Prescription,
    doctor: User,
    signing_password: str,
    reasons: dict[str, str],
    expected_version: int | None = None,
) -> None:
    """The doctor's personal signature: freezes the content and sends it to pharmacist review."""
    refusal = ConflictError("this prescription is already signed", "already_signed")
    _require_own_draft(prescription, doctor, expected_version, "prescription.sign", refusal)
    _require_prescribing_allowed(prescription.encounter, "prescription.sign")
    _require_signature(doctor, signing_password, "prescription.sign", prescription)
    diagnosis = _diagnosis_text(prescription.encounter)
    if not prescription.lines:
        raise ValidationError("add at least one herb", "lines_required")
    findings = findings_for(prescription)
    _require_signable(prescription, findings, reasons)
    now = utcnow()
    for finding in findings:
        if finding.severity == DOUBLE_SIGN:
            prescription.acknowledgements.append(
                FindingAcknowledgement(
                    finding_key=finding.key,
                    code=finding.code,
                    message=finding.message,
                    reason=reasons[finding.key].strip(),
                    signed_by_id=doctor.id,
                    signed_at=now,
                )
            )
    facts = patient_facts(prescription.patient)
    prescription.diagnosis_text = diagnosis
    prescription.patient_age, prescription.patient_pregnant = facts.age, facts.pregnant
    prescription.findings = [finding.as_dict() for finding in findings]
    prescription.signed_at = now
    prescription.revision = prescription.revision or 1
    prescription.content_hash = prescribing.content_hash(signed_content(prescription))
    prescription.status = S.PENDING_REVIEW
    db.session.flush()
    record_audit(
        "prescription.sign",
        "prescription",
        prescription.id,
        f"signed with {len(prescription.acknowledgements)} double signatures",
        {"content_hash": prescription.content_hash, "findings": [f.key for f in findings]},
        actor=doctor,
    )


def _diagnosis_text(encounter: Encounter) -> str:
    diagnoses = encounter.active_diagnoses
    if not diagnoses:
        raise ValidationError("record the diagnosis (病 + 证) first", "diagnosis_required")
    return "；".join(_one_diagnosis(d) for d in diagnoses)


def _one_diagnosis(diagnosis) -> str:
    disease = diagnosis.disease_name + (
        f"（{diagnosis.disease_code}）" if diagnosis.disease_code else ""
    )
    syndrome = diagnosis.syndrome_name + (
        f"（{diagnosis.syndrome_code}）" if diagnosis.syndrome_code else ""
    )
    return f"{disease} · {syndrome}"


def _require_signable(prescription, findings: list[Finding], reasons: dict[str, str]) -> None:
    blocking = [f for f in findings if f.severity == BLOCK]
    if blocking:
        exc = ValidationError(
            "；".join(f.message for f in blocking),
            "blocking_findings",
            {"findings": [f.key for f in blocking]},
        )
        raise _refuse(exc, "prescription.sign", prescription)
    missing = [
        f.key
        for f in findings
        if f.severity == DOUBLE_SIGN and prescribing.reason_problem((reasons or {}).get(f.key))
    ]
    if missing:
        exc = ValidationError(
            "give a reason and sign again for each flagged finding",
            "double_signature_required",
            {"findings": missing},
        )
        raise _refuse(exc, "prescription.sign", prescription)


def signed_content(prescription: Prescription) -> dict:
    """Exactly what the doctor signed; the hash of this is stored and re-checked at review."""
    return {
        "id": prescription.id,
        "revision": prescription.revision,
        "encounter_id": prescription.encounter_id,
        "patient_id": prescription.patient_id,
        "doctor_id": prescription.doctor_id,
        "packets": prescription.packets,
        "usage": prescription.usage,
        "diagnosis": prescription.diagnosis_text,
        "lines": [
            [line.herb.code, line.written_name, line.dose_g, line.method]
            for line in prescription.lines
        ],
        "acknowledgements": sorted(
            [ack.finding_key, ack.reason] for ack in prescription.acknowledgements
        ),
        "signed_at": prescription.signed_at.isoformat() if prescription.signed_at else None,
    }


def content_intact(prescription: Prescription) -> bool:
    expected = prescribing.content_hash(signed_content(prescription))
    return prescription.content_hash == expected


def review(
    prescription: Prescription,
    pharmacist: User,
    approve: bool,
    note: str,
    signing_password: str,
) -> None:
    """审方: approve (valid for the configured days) or return to the doctor with a reason."""
    action = "prescription.review"
    if pharmacist.role != Role.PHARMACIST or pharmacist.id == prescription.doctor_id:
        raise _refuse(
            PermissionDeniedError("a pharmacist other than the prescriber reviews", "not_reviewer"),
            action,
            prescription,
        )
    if prescription.status != S.PENDING_REVIEW:
        raise _refuse(
            ConflictError("this prescription is not waiting for review", "already_reviewed"),
            action,
            prescription,
        )
    _require_signature(pharmacist, signing_password, action, prescription)
    note = (note or "").strip()
    if not approve and prescribing.reason_problem(note):
        raise ValidationError("give the reason for returning it", "reason_required")
    if approve and not content_intact(prescription):
        raise _refuse(
            ConflictError("the signed content does not match its hash", "content_changed"),
            action,
            prescription,
        )
    _apply_review(prescription, pharmacist, approve, note)


def _apply_review(prescription, pharmacist, approve: bool, note: str) -> None:
    now = utcnow()
    new_status = S.APPROVED if approve else S.REJECTED
    values = {
        "status": new_status,
        "reviewed_by_id": pharmacist.id,
        "reviewed_at": now,
        "review_note": note or None,
    }
    if approve:
        days = current_app.config["PRESCRIPTION_VALID_DAYS"]
        values["valid_until"] = prescribing.valid_until(now, days)
    # Guarded update: two pharmacists (or a double click) cannot both review it.
    transitions.move(
        prescription,
        expected=S.PENDING_REVIEW,
        values=values,
        refusal=ConflictError("this prescription was reviewed meanwhile", "already_reviewed"),
    )
    verdict = "approved" if approve else "returned to the doctor"
    record_audit(
        "prescription.review",
        "prescription",
        prescription.id,
        verdict,
        {"note": note, "valid_until": values.get("valid_until")},
        actor=pharmacist,
    )
    messages.prescription_reviewed(prescription, approve, note)


def revise(prescription: Prescription, doctor: User) -> Prescription:
    """After a rejection the doctor writes a new version (the old one stays, history kept)."""
    _require_author(prescription, doctor, "prescription.revise")
    if prescription.status != S.REJECTED:
        raise ConflictError("only a returned prescription is revised", "not_rejected")
    newer = db.session.scalar(
        select(Prescription).where(Prescription.previous_id == prescription.id)
    )
    if newer is not None:
        return newer
    _require_prescribing_allowed(prescription.encounter, "prescription.revise")
    draft = Prescription(
        encounter_id=prescription.encounter_id,
        patient_id=prescription.patient_id,
        doctor_id=doctor.id,
        revision=prescription.revision + 1,
        previous_id=prescription.id,
        packets=prescription.packets,
        usage=prescription.usage,
        template_id=prescription.template_id,
        verify_token=secrets.token_urlsafe(18),
    )
    draft.lines = [
        PrescriptionLine(
            position=line.position,
            herb_id=line.herb_id,
            written_name=line.written_name,
            dose_g=line.dose_g,
            method=line.method,
        )
        for line in prescription.lines
    ]
    db.session.add(draft)
    db.session.flush()
    record_audit(
        "prescription.revise",
        "prescription",
        draft.id,
        f"revision {draft.revision} of prescription {prescription.id}",
        actor=doctor,
    )
    return draft


def herb_cost(prescription: Prescription) -> str:
    """Herbs only (grams x packets x price), in yuan with two decimals."""
    milliyuan = sum(
        Decimal(str(line.dose_g)) * prescription.packets * line.herb.price_milliyuan_per_g
        for line in prescription.lines
    )
    return str((Decimal(milliyuan) / 1000).quantize(Decimal("0.01"), ROUND_HALF_UP))


def effective_status(prescription: Prescription, now=None) -> str:
    """Approved past its validity reads as expired even before the nightly task marks it."""
    now = now or utcnow()
    if prescription.status == S.APPROVED and prescription.valid_until <= now:
        return S.EXPIRED
    return prescription.status


def consume(prescription: Prescription, reference: str, actor=None) -> None:
    """Mark an approved, valid, unused prescription as used by one order (先方后药, no reuse)."""
    now = utcnow()
    status = effective_status(prescription, now)
    if status != S.APPROVED:
        code = CONSUME_REFUSALS.get(status, "prescription_not_approved")
        exc = ConflictError(f"the prescription is {status}, it cannot back an order", code)
        raise exc.audited("prescription.use", "prescription", prescription.id)
    used = ConflictError("the prescription was used meanwhile", "prescription_used")
    transitions.move(
        prescription,
        expected=S.APPROVED,
        where=[Prescription.valid_until > now],
        values={"status": S.USED, "used_at": now, "used_reference": reference},
        refusal=used.audited("prescription.use", "prescription", prescription.id),
    )
    record_audit("prescription.use", "prescription", prescription.id, reference, actor=actor)


def release(prescription: Prescription, reference: str, actor=None) -> None:
    """Free a prescription whose order lapsed unpaid: usable again while still valid."""
    if transitions.move(
        prescription,
        expected=S.USED,
        where=[Prescription.used_reference == reference],
        values={"status": S.APPROVED, "used_at": None, "used_reference": None},
    ):
        record_audit(
            "prescription.release", "prescription", prescription.id, reference, actor=actor
        )


def expire_due(now=None) -> int:
    """Persist the expiry of approved prescriptions past their validity; returns how many."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            select(Prescription).where(
                Prescription.status == S.APPROVED, Prescription.valid_until <= now
            )
        )
    )
    for prescription in due:
        prescription.status = S.EXPIRED
        record_audit("prescription.expire", "prescription", prescription.id, "validity ended")
    db.session.flush()
    return len(due)
