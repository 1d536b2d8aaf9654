"""Who may see and move which booking: patients (and guardians) their own; the clinic desk and
administrators all; a doctor the bookings they treat and those of their own patients."""

from sqlalchemy import Select, false, or_, select

from tcm_app.common.errors import NotFoundError, PermissionDeniedError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.encounters import Encounter
from tcm_app.models.patients import Patient
from tcm_app.services.access import own_patient_ids
from tcm_app.services.access import own_patients as core_own_patients
from treatments.models import Booking

# Administrators set the clinic up but, as in the core, see no patient data.
DESK = (Role.CLINIC,)
STAFF = (Role.CLINIC, Role.DOCTOR)


def bookings_query(user, own_ids: list[int] | None = None) -> Select:
    """`own_ids`: a patient's own_patient_ids, when the caller has read them already."""
    query = select(Booking)
    if user.role in DESK:
        return query
    if user.role == Role.PATIENT:
        return query.where(
            Booking.patient_id.in_(own_patient_ids(user) if own_ids is None else own_ids)
        )
    if user.role == Role.DOCTOR:
        treated = select(Encounter.patient_id).where(Encounter.doctor_id == user.id)
        return query.where(or_(Booking.practitioner_id == user.id, Booking.patient_id.in_(treated)))
    return query.where(false())


def visible_booking(user, booking_id) -> Booking:
    booking = None
    if str(booking_id).isdigit():
        booking = db.session.scalar(bookings_query(user).where(Booking.id == int(booking_id)))
    if booking is None:
        raise NotFoundError("booking not found", code="booking_not_found")
    return booking


def patient_to_book_for(user, patient_id=None) -> Patient:
    """A patient books for themself or a ward; the desk names the patient (staff "patient_id")."""
    return patients_to_book_for(user, patient_id)[0]


def patients_to_book_for(user, patient_id=None) -> tuple[Patient, list[Patient]]:
    """patient_to_book_for, and whom the user may choose to book for (in id order): a patient
    account itself and its wards, the desk the patient it names."""
    if user.role == Role.PATIENT:
        own = own_patients(user)
        me = next((str(p.id) for p in own if p.user_id == user.id), "")
        wanted = me if patient_id in (None, "") else str(patient_id)
        found = None
        if wanted.isdigit():
            found = next((p for p in own if p.id == int(wanted)), None)
        if found is None:
            raise NotFoundError("patient not found", code="unknown_patient")
        return found, own
    if user.role not in DESK:
        raise PermissionDeniedError("only the patient or the clinic desk books treatments")
    patient = db.session.get(Patient, int(patient_id)) if str(patient_id).isdigit() else None
    if patient is None:
        raise NotFoundError("name the patient to book for (patient_id)", code="unknown_patient")
    return patient, [patient]


def own_patients(user) -> list[Patient]:
    """The patients a patient account acts for (own_patient_ids: itself, the minors in its care
    and the elders who consented to its acting for them), itself first."""
    return core_own_patients(user)
