"""What a patient may rate or complain about, read from the domains that hold it (quality only
reads them): completed visits (the core's encounters, text consults included), herb orders
delivered or collected (decoction) and performed treatments (treatments). Each is a `Subject`
with the clinician and department it counts for."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from decoction.models import DecoctionOrder
from decoction.stages import Status as OrderStatus
from herbs.models import Prescription
from tcm_app.common.errors import NotFoundError
from tcm_app.common.online_care import EncounterStatus
from tcm_app.extensions import db
from tcm_app.models.accounts import DoctorProfile, User
from tcm_app.models.encounters import Encounter
from treatments.booking_rules import BookingStatus
from treatments.models import Booking, Therapy

RECEIVED = (OrderStatus.DELIVERED.value, OrderStatus.PICKED_UP.value)
RECENT = 30  # subjects of each kind listed on the patient's page, newest first


@dataclass(frozen=True)
class Subject:
    kind: str  # rules.SUBJECTS
    id: int
    patient_id: int
    doctor_id: int
    department_id: int | None
    when: datetime | None  # completed, delivered or performed
    doctor_name: str
    title_code: str  # a label code: the encounter kind, subject_herb_order, subject_treatment
    title: str = ""  # a name shown as it is (a therapy's)


def _encounters(patient_ids: list[int], subject_id: int | None = None) -> list[Subject]:
    query = (
        select(Encounter, User.full_name)
        .join(User, User.id == Encounter.doctor_id)
        .where(
            Encounter.patient_id.in_(patient_ids),
            Encounter.status == EncounterStatus.COMPLETED.value,
        )
        .order_by(Encounter.completed_at.desc(), Encounter.id.desc())
        .limit(RECENT)
    )
    if subject_id is not None:
        query = query.where(Encounter.id == subject_id)
    return [
        Subject(
            "encounter",
            e.id,
            e.patient_id,
            e.doctor_id,
            e.department_id,
            e.completed_at,
            name,
            e.kind,
        )
        for e, name in db.session.execute(query)
    ]


def _orders(patient_ids: list[int], subject_id: int | None = None) -> list[Subject]:
    query = (
        select(DecoctionOrder, Prescription.doctor_id, Encounter.department_id, User.full_name)
        .join(Prescription, Prescription.id == DecoctionOrder.prescription_id)
        .join(Encounter, Encounter.id == Prescription.encounter_id)
        .join(User, User.id == Prescription.doctor_id)
        .where(DecoctionOrder.patient_id.in_(patient_ids), DecoctionOrder.status.in_(RECEIVED))
        .order_by(DecoctionOrder.stage_entered_at.desc(), DecoctionOrder.id.desc())
        .limit(RECENT)
    )
    if subject_id is not None:
        query = query.where(DecoctionOrder.id == subject_id)
    return [
        Subject(
            "herb_order",
            o.id,
            o.patient_id,
            doctor_id,
            department_id,
            o.stage_entered_at,
            name,
            "subject_herb_order",
        )
        for o, doctor_id, department_id, name in db.session.execute(query)
    ]


def _treatments(patient_ids: list[int], subject_id: int | None = None) -> list[Subject]:
    query = (
        select(Booking, Therapy.name, User.full_name, DoctorProfile.department_id)
        .join(Therapy, Therapy.id == Booking.therapy_id)
        .join(User, User.id == Booking.practitioner_id)
        .outerjoin(DoctorProfile, DoctorProfile.user_id == Booking.practitioner_id)
        .where(
            Booking.patient_id.in_(patient_ids),
            Booking.status == BookingStatus.COMPLETED.value,
        )
        .order_by(Booking.completed_at.desc(), Booking.id.desc())
        .limit(RECENT)
    )
    if subject_id is not None:
        query = query.where(Booking.id == subject_id)
    return [
        Subject(
            "treatment",
            b.id,
            b.patient_id,
            b.practitioner_id,
            department_id,
            b.completed_at,
            name,
            "subject_treatment",
            therapy,
        )
        for b, therapy, name, department_id in db.session.execute(query)
    ]


READERS = {"encounter": _encounters, "herb_order": _orders, "treatment": _treatments}


def received(patient_ids: list[int]) -> list[Subject]:
    """Everything the patients received that may be rated, newest first."""
    found = [s for read in READERS.values() for s in read(patient_ids)]
    return sorted(found, key=lambda s: (s.when is not None, s.when), reverse=True)


def subject(patient_ids: list[int], kind: str, subject_id: int) -> Subject:
    """One received thing of the patients; another's, or one not yet received, looks missing."""
    read = READERS.get(kind)
    found = read(patient_ids, subject_id) if read and patient_ids else []
    if not found:
        raise NotFoundError("nothing to rate here", "not_found")
    return found[0]
