"""Who may see which patient and encounter. Out-of-scope objects look exactly like missing ones."""

from sqlalchemy import Select, event, false, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import LoaderOption

from tcm_app.common.errors import NotFoundError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.models.patients import FamilyProxy, Patient
from tcm_app.services.audit import record_audit

# own_patient_ids of the session's users, read once per transaction: a patient's page asks for
# them several times (the visit, its prescriptions, the consult panels). Forgotten at every flush
# (a ward just added) and at the end of the transaction (what another request committed).
OWN_PATIENTS = "own_patient_ids"


def own_patient_ids(user: User) -> list[int]:
    """A patient account acts for itself, for the minors in its care, and for the elders who
    consented that it act for them (家人代办, FamilyProxy not revoked)."""
    known = db.session.info.setdefault(OWN_PATIENTS, {})
    if user.id not in known:
        known[user.id] = _read_own_patient_ids(user)
    return list(known[user.id])


def _read_own_patient_ids(user: User) -> list[int]:
    me = db.session.scalar(select(Patient.id).where(Patient.user_id == user.id))
    if me is None:
        return []
    # One statement for both: a patient's every page reads these.
    consented = select(FamilyProxy.elder_id).where(
        FamilyProxy.proxy_id == me, FamilyProxy.revoked_at.is_(None)
    )
    others = db.session.scalars(
        select(Patient.id)
        .where(or_(Patient.guardian_id == me, Patient.id.in_(consented)))
        .order_by(Patient.id)
    ).all()
    return [me, *others]


def own_patients(user: User) -> list[Patient]:
    """The patients a patient account acts for (own_patient_ids), as records, itself first."""
    ids = own_patient_ids(user)
    found = {p.id: p for p in db.session.scalars(select(Patient).where(Patient.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")
def _forget_own_patient_ids(session: Session, *_args) -> None:
    session.info.pop(OWN_PATIENTS, None)


def encounters_query(user: User, own_patients: list[int] | None = None) -> Select:
    """Encounters a user may see: a patient's own and wards', a doctor's own, all for the desk.
    `own_patients`: a patient account's own_patient_ids when the caller has them already."""
    query = select(Encounter)
    if user.role == Role.PATIENT:
        own = own_patient_ids(user) if own_patients is None else own_patients
        return query.where(Encounter.patient_id.in_(own))
    if user.role == Role.DOCTOR:
        return query.where(Encounter.doctor_id == user.id)
    if user.role == Role.CLINIC:
        return query
    return query.where(false())


def visible_encounter(user: User, encounter_id: int, *loads: LoaderOption) -> Encounter:
    """The encounter if in the user's scope; `loads`: what the caller reads of it, read with it."""
    query = encounters_query(user).where(Encounter.id == encounter_id).options(*loads)
    encounter = db.session.scalar(query)
    if encounter is None:
        raise NotFoundError("encounter not found")
    return encounter


def patients_query(user: User) -> Select:
    """Patients a user may open: own and wards; a doctor's patients; every patient for the desk."""
    query = select(Patient)
    if user.role == Role.PATIENT:
        return query.where(Patient.id.in_(own_patient_ids(user)))
    if user.role == Role.DOCTOR:
        seen = select(Encounter.patient_id).where(Encounter.doctor_id == user.id)
        guardians = select(Encounter.guardian_id).where(Encounter.doctor_id == user.id)
        return query.where(or_(Patient.id.in_(seen), Patient.id.in_(guardians)))
    if user.role == Role.CLINIC:
        return query
    return query.where(false())


def visible_patient(user: User, patient_id: int) -> Patient:
    """Fetch a patient in scope; staff views of a record are audited."""
    patient = db.session.scalar(patients_query(user).where(Patient.id == patient_id))
    if patient is None:
        raise NotFoundError("patient not found")
    if user.role != Role.PATIENT:
        record_audit(
            "patient.view", "patient", patient.id, "staff opened patient record", actor=user
        )
    return patient
