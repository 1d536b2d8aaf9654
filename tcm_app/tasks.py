"""Background tasks of the hospital core (in-process by default, Redis workers in production)."""

import logging

from celery import shared_task

from tcm_app.services.audit import verify_audit_chain

log = logging.getLogger(__name__)


@shared_task(name="core.verify_audit_chain", ignore_result=False)
def verify_audit_chain_task() -> dict:
    """Recheck the whole audit chain (schedule it nightly); a break is logged as an error."""
    report = verify_audit_chain()
    if not report.intact:
        log.error("audit chain broken at entry %s: %s", report.first_broken_id, report.problem)
    return {
        "intact": report.intact,
        "checked": report.checked,
        "first_broken_id": report.first_broken_id,
    }
