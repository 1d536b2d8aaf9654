"""Who may see which prescription. Out-of-scope prescriptions look exactly like missing ones."""

from sqlalchemy import Select, exists, false, select
from sqlalchemy.orm import aliased

from herbs.models import Prescription, PrescriptionStatus
from tcm_app.common.errors import NotFoundError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.services.access import own_patient_ids


def prescriptions_query(user: User) -> Select:
    """A doctor sees their own; a pharmacist every signed one; a patient their own signed ones
    (and their children's). Drafts are the doctor's alone."""
    query = select(Prescription)
    signed = Prescription.status != PrescriptionStatus.DRAFT
    if user.role == Role.DOCTOR:
        return query.where(Prescription.doctor_id == user.id)
    if user.role == Role.PHARMACIST:
        return query.where(signed)
    if user.role == Role.PATIENT:
        return query.where(Prescription.patient_id.in_(own_patient_ids(user)), signed)
    return query.where(false())


def visible_prescription(user: User, prescription_id: int) -> Prescription:
    prescription = db.session.scalar(
        prescriptions_query(user).where(Prescription.id == prescription_id)
    )
    if prescription is None:
        exc = NotFoundError("prescription not found")
        if db.session.get(Prescription, prescription_id) is not None:
            # It exists but is not this user's to see: answer as if missing, and keep who tried.
            exc.audited("prescription.access", "prescription", prescription_id)
        raise exc
    return prescription


def encounter_prescriptions(user: User, encounter) -> list[Prescription]:
    """This visit's prescriptions the user may see, by the rule above (drafts are the doctor's)."""
    query = prescriptions_query(user).where(Prescription.encounter_id == encounter.id)
    return list(db.session.scalars(query.order_by(Prescription.id)))


def may_write_prescription(user: User, encounter, blockers) -> bool:
    """The treating doctor, once nothing blocks prescribing (what open_draft enforces)."""
    return user.role == Role.DOCTOR and user.id == encounter.doctor_id and not blockers


def review_queue() -> Select:
    """待审方, oldest signature first."""
    return (
        select(Prescription)
        .where(Prescription.status == PrescriptionStatus.PENDING_REVIEW)
        .order_by(Prescription.signed_at, Prescription.id)
    )


def returned_to(doctor: User) -> Select:
    """The doctor's prescriptions a pharmacist returned, until a revision of each is signed;
    the oldest return first."""
    newer = aliased(Prescription)
    revised = exists().where(
        newer.previous_id == Prescription.id, newer.status != PrescriptionStatus.DRAFT
    )
    return (
        select(Prescription)
        .where(
            Prescription.doctor_id == doctor.id,
            Prescription.status == PrescriptionStatus.REJECTED,
            ~revised,
        )
        .order_by(Prescription.reviewed_at, Prescription.id)
    )
