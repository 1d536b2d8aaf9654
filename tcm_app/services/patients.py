"""Real-name patients: self-registration, guardians of minors, pregnancy status, kidney function,
addresses."""

from datetime import date

from sqlalchemy import select

from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.common.resident_id import InvalidResidentIdError, ResidentId, age_on, parse_resident_id
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.patients import (
    Address,
    GuardianRelation,
    Patient,
    PregnancyStatus,
    RenalFunction,
)
from tcm_app.models.types import blind_index
from tcm_app.services.accounts import new_user
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today

ADULT_AGE = 18


def today() -> date:
    return clinic_today()


def checked_resident_id(raw: str) -> ResidentId:
    """Parse and validate the ID number, and refuse one that is already registered."""
    try:
        resident = parse_resident_id(raw, today())
    except InvalidResidentIdError as exc:
        raise exc.refusal(
            message=f"invalid resident ID: {exc}",
            code="invalid_id_number",
            fields={"id_number": [exc.code]},
        ) from exc
    if db.session.scalar(
        select(Patient.id).where(Patient.id_number_digest == blind_index(resident.number))
    ):
        raise ConflictError("this ID number is already registered", "id_number_registered")
    return resident


def create_patient_record(legal_name: str, resident: ResidentId, phone: str | None) -> Patient:
    legal_name = (legal_name or "").strip()
    if not legal_name:
        raise ValidationError("legal name is required", fields={"legal_name": ["required"]})
    patient = Patient(
        legal_name=legal_name,
        id_number=resident.number,
        id_number_digest=blind_index(resident.number),
        birth_date=resident.birth_date,
        sex=resident.sex,
        phone=phone or None,
        pregnancy_status=PregnancyStatus.NOT_APPLICABLE
        if resident.sex == "male"
        else PregnancyStatus.UNKNOWN,
    )
    db.session.add(patient)
    return patient


def register_patient(username, password, legal_name, id_number, phone) -> Patient:
    """A patient registers themself under their real name (实名); adults only.

    Anyone can type an ID number here, so a number already registered is refused without saying
    so: the answer must not confirm that this person is a patient of the hospital."""
    try:
        resident = checked_resident_id(id_number)
    except ConflictError as exc:
        raise ConflictError(
            "these details cannot be used to register", "registration_refused"
        ) from exc
    if age_on(resident.birth_date, today()) < ADULT_AGE:
        raise ValidationError(
            "a minor is registered by a guardian", "minor_needs_guardian", {"id_number": ["minor"]}
        )
    _check_phone(phone)
    user = new_user(username, password, Role.PATIENT, legal_name)
    patient = create_patient_record(legal_name, resident, phone)
    patient.user = user
    db.session.flush()
    record_audit("patient.register", "patient", patient.id, "patient registered", actor=user)
    return patient


def add_ward(guardian: Patient, legal_name, id_number, relation, actor) -> Patient:
    """A guardian adds a minor in their care; the child is reached through the guardian."""
    resident = checked_resident_id(id_number)
    if age_on(resident.birth_date, today()) >= ADULT_AGE:
        raise ValidationError(
            "only minors can be added as dependants", "not_a_minor", {"id_number": ["adult"]}
        )
    ward = create_patient_record(legal_name, resident, None)
    ward.guardian = guardian
    ward.guardian_relation = GuardianRelation(relation)
    db.session.flush()
    record_audit(
        "patient.add_ward",
        "patient",
        ward.id,
        f"minor added under guardian patient {guardian.id}",
        actor=actor,
    )
    return ward


def _check_phone(phone: str | None) -> None:
    if phone and not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
        raise ValidationError(
            "phone must be an 11-digit mobile number", "invalid_phone", {"phone": ["invalid"]}
        )


def set_pregnancy_status(patient: Patient, status: str, actor) -> None:
    """Record pregnancy status with today's date; prescribing and treatments read it."""
    status = PregnancyStatus(status)
    if patient.sex == "male" and status != PregnancyStatus.NOT_APPLICABLE:
        raise ValidationError(
            "pregnancy status does not apply",
            "not_applicable",
            {"pregnancy_status": ["not_applicable"]},
        )
    _record_dated_fact(patient, "patient.pregnancy", "pregnancy_status", status, actor, "pregnancy")


def set_renal_function(patient: Patient, status: str, actor) -> None:
    """Record kidney function with today's date; the aristolochic-acid rule reads it."""
    try:
        status = RenalFunction(status)
    except ValueError:
        raise ValidationError(
            "unknown kidney function status", "invalid", {"renal_function": ["invalid_choice"]}
        ) from None
    _record_dated_fact(
        patient, "patient.renal_function", "renal_function", status, actor, "kidney function"
    )


# The date each clinical fact was last answered, so a stale answer can be asked again.
ANSWERED_ON = {
    "pregnancy_status": "pregnancy_updated_on",
    "renal_function": "renal_function_updated_on",
}


def _record_dated_fact(
    patient: Patient, action: str, column: str, value: str, actor, summary_words: str
) -> None:
    """Set a clinical fact the prescribing rules read, date it today and audit the change."""
    before = getattr(patient, column)
    setattr(patient, column, value)
    setattr(patient, ANSWERED_ON[column], today())
    record_audit(
        action,
        "patient",
        patient.id,
        f"{summary_words} {before} -> {value}",
        {"before": before, "after": value},
        actor=actor,
    )


def add_address(patient: Patient, recipient, phone, region, detail, make_default, actor) -> Address:
    _check_phone(phone)
    for key, value in {"recipient": recipient, "region": region, "detail": detail}.items():
        if not (value or "").strip():
            raise ValidationError("address incomplete", fields={key: ["required"]})
    if make_default or not patient.addresses:
        for existing in patient.addresses:
            existing.is_default = False
    address = Address(
        patient=patient,
        recipient=recipient.strip(),
        phone=phone,
        region=region.strip(),
        detail=detail.strip(),
        is_default=make_default or not patient.addresses,
    )
    db.session.add(address)
    db.session.flush()
    record_audit("patient.address_add", "patient", patient.id, "address added", actor=actor)
    return address


def find_by_id_number(raw: str) -> Patient:
    """Exact lookup through the blind index; the number itself is never compared in plain text."""
    number = (raw or "").strip().upper()
    patient = db.session.scalar(
        select(Patient).where(Patient.id_number_digest == blind_index(number))
    )
    if patient is None:
        raise NotFoundError(
            "no patient with this ID number",
            "patient_not_found",
            {"id_number": ["patient_not_found"]},
        )
    return patient


def patient_of_user(user: User) -> Patient | None:
    return db.session.scalar(select(Patient).where(Patient.user_id == user.id))


def patient_age(patient: Patient) -> int:
    return age_on(patient.birth_date, today())
