"""The fee of an online visit (诊查费), set per doctor title (TCM_VISIT_FEES), paid by the patient
through the payment provider from the visit page. The payment row is the record of the fee."""

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app, url_for

from tcm_app.common.errors import ConflictError
from tcm_app.common.online_care import EncounterKind, EncounterStatus
from tcm_app.models.encounters import Encounter
from tcm_app.models.payments import Payment
from tcm_app.services import payments
from tcm_app.services.audit import record_audit

PURPOSE = "visit"
ONLINE = (EncounterKind.ONLINE_FOLLOWUP, EncounterKind.ONLINE_CONSULTATION)
PAYABLE = (EncounterStatus.REQUESTED, EncounterStatus.IN_PROGRESS, EncounterStatus.COMPLETED)


@dataclass(frozen=True)
class VisitFee:
    amount: Decimal
    payment: Payment | None  # paid or refunded; None while unpaid
    payable: bool


def fee_amount(encounter: Encounter) -> Decimal | None:
    """The fee by the doctor's title; None for in-person visits (paid at the clinic)."""
    profile = encounter.doctor.doctor_profile
    if encounter.kind not in ONLINE or profile is None:
        return None
    return Decimal(current_app.config["VISIT_FEES"][profile.title])


def fee_of(encounter: Encounter) -> VisitFee | None:
    amount = fee_amount(encounter)
    if amount is None:
        return None
    standing = payments.standing(PURPOSE, encounter.id)
    payable = standing is None and encounter.status in PAYABLE and amount > 0
    return VisitFee(amount, standing, payable)


def start_payment(encounter: Encounter, actor) -> Payment:
    """The patient pays the visit's fee online (the view checked the visit is theirs)."""
    fee = fee_of(encounter)
    if fee is None or not fee.payable:
        raise ConflictError("this visit has no fee to pay", "nothing_to_pay")
    return payments.start(PURPOSE, encounter.id, encounter.patient_id, fee.amount, actor)


def _on_paid(payment: Payment) -> None:
    record_audit("visit.fee_paid", "encounter", payment.subject_id, f"¥{payment.amount}")


def _return_url(payment: Payment) -> str:
    return url_for("core.encounter_view", encounter_id=payment.subject_id)


payments.register_purpose(PURPOSE, _on_paid, _return_url)
