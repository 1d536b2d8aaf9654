"""An approved outside prescription as an external prescription record (外院处方记录): what an
herb order reads from it and how an order uses it once. It is never the hospital's own
prescription: its source (institution, doctor, photos) and the transcribing and checking
pharmacists go with it. Flushes."""

from datetime import datetime

from external_rx.models import ExternalSubmission
from tcm_app.common.errors import ConflictError
from tcm_app.services import transitions
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import utc_now

APPROVED, USED, EXPIRED = "approved", "used", "expired"
CONSUME_REFUSALS = {USED: "external_already_ordered", EXPIRED: "external_past_validity"}


def effective_status(record: ExternalSubmission, now: datetime | None = None) -> str:
    """Approved past the paper's validity reads as expired."""
    now = now or utc_now()
    if record.status == APPROVED and record.valid_until is not None and record.valid_until <= now:
        return EXPIRED
    return record.status


def consume(record: ExternalSubmission, reference: str, actor=None) -> None:
    """An approved, valid, unused record backs one order (the paper is dispensed once)."""
    now = utc_now()
    status = effective_status(record, now)
    if status != APPROVED:
        code = CONSUME_REFUSALS.get(status, "external_not_orderable")
        exc = ConflictError(f"the outside prescription is {status}, it cannot back an order", code)
        raise exc.audited("external.use", "external_submission", record.id)
    used = ConflictError("the outside prescription was used meanwhile", "external_already_ordered")
    transitions.move(
        record, expected=APPROVED, where=[ExternalSubmission.valid_until > now],
        values={"status": USED, "used_at": now, "used_reference": reference},
        refusal=used.audited("external.use", "external_submission", record.id),
    )  # fmt: skip
    record_audit("external.use", "external_submission", record.id, reference, actor=actor)


def release(record: ExternalSubmission, reference: str, actor=None) -> None:
    """Free a record whose order lapsed unpaid or was cancelled: usable again while valid."""
    if transitions.move(
        record, expected=USED, where=[ExternalSubmission.used_reference == reference],
        values={"status": APPROVED, "used_at": None, "used_reference": None},
    ):  # fmt: skip
        record_audit("external.release", "external_submission", record.id, reference, actor=actor)
