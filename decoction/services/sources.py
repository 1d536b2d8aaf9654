"""What a herb order is made from: the hospital's own approved prescription (herbs) or an
approved outside prescription (外院处方, external_rx), never presented as the hospital's own.

Both records carry what an order reads (lines with herb, dose_g and method; packets, usage,
patient, patient_age, valid_until, used_at), and each has its keeper with the same three calls
(`effective_status`, `consume`, `release`): herbs.services.prescriptions and
external_rx.services.records. So ordering has one code path; only the status words, the refusal
wording and the order's link column differ, and they are looked up here."""

from sqlalchemy import select

from decoction.models import LIVE_STATUSES_EXCLUDED, DecoctionOrder
from external_rx.models import ExternalSubmission
from external_rx.services import records
from herbs.models import Prescription
from herbs.services import prescriptions
from tcm_app.common.errors import NotFoundError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.services.access import own_patient_ids
from tcm_app.services.clock import utc_now

Source = Prescription | ExternalSubmission

# An outside prescription's states, in the words ordering.refusal knows.
EXTERNAL_STATUS = {"waiting": "pending_review", "questions": "pending_review"}
# Ordering's refusal codes, in the outside prescription's own wording (external_rx/labels.py).
EXTERNAL_REFUSALS = {
    "not_reviewed": "external_not_orderable",
    "not_orderable": "external_not_orderable",
    "already_ordered": "external_already_ordered",
    "expired": "external_past_validity",
}


def is_external(source: Source) -> bool:
    return isinstance(source, ExternalSubmission)


def _keeper(source: Source):
    return records if is_external(source) else prescriptions


def status(source: Source, now) -> str:
    """Its state now (expiry applied), in ordering's words."""
    found = _keeper(source).effective_status(source, now)
    return EXTERNAL_STATUS.get(found, found) if is_external(source) else found


def refusal_code(source: Source, code: str) -> str:
    return EXTERNAL_REFUSALS.get(code, code) if is_external(source) else code


def needs_seal(source: Source) -> bool:
    """An outside prescription without its institution's official seal: no toxic herbs from it
    (《医疗用毒性药品管理办法》第九条)."""
    return isinstance(source, ExternalSubmission) and not source.official_seal


def consume(source: Source, reference: str, actor=None) -> None:
    _keeper(source).consume(source, reference, actor=actor)


def release(source: Source, reference: str, actor=None) -> None:
    _keeper(source).release(source, reference, actor=actor)


def audit_subject(source: Source) -> tuple[str, int]:
    """The audit log's object type and id of the source."""
    return ("external_submission" if is_external(source) else "prescription", source.id)


def order_link(source: Source) -> dict:
    """The order's column that names its source."""
    key = "external_submission_id" if is_external(source) else "prescription_id"
    return {key: source.id}


def packets(source: Source) -> int:
    """Packets (剂数) as written; 0 while an outside prescription awaits its transcription (it
    cannot be ordered then: ordering.refusal says why)."""
    return source.packets or 0


def visible_external(user: User, submission_id: int) -> ExternalSubmission:
    """The patient's (or guardian's) own outside prescription; 404 for anyone else."""
    record = db.session.get(ExternalSubmission, submission_id)
    if (
        record is None
        or user.role != Role.PATIENT
        or record.patient_id not in own_patient_ids(user)
    ):
        raise NotFoundError("outside prescription not found")
    return record


# Template globals (decoction/setup.py): the outside prescription's page links to ordering only
# when decoction is installed (`{% if may_order_external is defined %}`).
def may_order_external(record: ExternalSubmission) -> bool:
    """Approved, valid and not yet ordered: the page offers 下单抓药."""
    return records.effective_status(record, utc_now()) == records.APPROVED


def external_order(record: ExternalSubmission) -> DecoctionOrder | None:
    """The live order an outside prescription backs, if any (the page links to it)."""
    return db.session.scalar(
        select(DecoctionOrder).where(
            DecoctionOrder.external_submission_id == record.id,
            DecoctionOrder.status.not_in(LIVE_STATUSES_EXCLUDED),
        )
    )


def prescription_orders(rows: list[Prescription]) -> dict[int, DecoctionOrder]:
    """The live order each prescription backs, by prescription id, in one query (the patient's
    list and page say where the medicine is: 已发货, not only that the prescription was used)."""
    ids = [rx.id for rx in rows]
    if not ids:
        return {}
    orders = db.session.scalars(
        select(DecoctionOrder).where(
            DecoctionOrder.prescription_id.in_(ids),
            DecoctionOrder.status.not_in(LIVE_STATUSES_EXCLUDED),
        )
    ).all()
    return {order.prescription_id: order for order in orders if order.prescription_id}
