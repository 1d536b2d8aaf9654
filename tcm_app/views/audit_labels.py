"""Audit log labels: a Chinese name (through Flask-Babel) for every action code passed to
`record_audit` or `.audited()`, and for the objects they name: the core's here, each domain's in
its labels.py (AUDIT_ACTIONS, AUDIT_OBJECTS), registered by its setup.py.
`tests/core/test_audit_log.py` fails when code audits an action that has no label."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

REFUSED = "_refused"  # record_refusal appends it to the refused action's code

ACTIONS = {
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Failed sign-in"),
    "auth.login_refused": _l("Sign-in refused"),
    "auth.logout": _l("Signed out"),
    "auth.token_issued": _l("API token issued"),
    "auth.token_revoked": _l("API token revoked"),
    "account.signing_password": _l("Signing password set"),
    "signing.failed": _l("Wrong signing password"),
    "signing.locked": _l("Signing locked"),
    "signing.unlocked": _l("Signing unlocked"),
    "user.create": _l("Account created"),
    "user.password": _l("Password changed"),
    "user.set_active": _l("Account activated or deactivated"),
    "doctor.online_enabled": _l("Online care switched"),
    "patient.register": _l("Patient registered"),
    "patient.add_ward": _l("Dependant added"),
    "patient.address_add": _l("Address added"),
    "patient.pregnancy": _l("Pregnancy status recorded"),
    "patient.renal_function": _l("Kidney function recorded"),
    "patient.view": _l("Patient record opened"),
    "account.elder_mode": _l("Elder mode switched"),
    "proxy.grant": _l("Family member allowed to act for the patient"),
    "proxy.revoke": _l("Family member's permission to act withdrawn"),
    "document.upload": _l("Document uploaded"),
    "document.view": _l("Document opened"),
    "encounter.request": _l("Visit requested"),
    "encounter.complaint_voice": _l("Visit request said in a voice note"),
    "encounter.status": _l("Visit status changed"),
    "encounter.eligibility": _l("Follow-up eligibility decided"),
    "encounter.notes": _l("Four-examination notes recorded"),
    "encounter.diagnosis": _l("Diagnosis recorded"),
    "encounter.diagnosis_retired": _l("Diagnosis withdrawn"),
    "encounter.guardian_present": _l("Guardian presence recorded"),
    "codes.import": _l("TCM diagnosis codes imported"),
    "payment.start": _l("Payment started"),
    "payment.paid": _l("Payment received"),
    "payment.cancel": _l("Payment cancelled"),
    "payment.refund": _l("Payment refunded"),
    "payment.counter": _l("Paid at the counter"),
    "payment.notify": _l("Payment notice from the provider"),
    "visit.fee_paid": _l("Visit fee paid"),
    # Account recovery and re-authentication (tcm_app/services/recovery.py).
    "auth.password_reset_requested": _l("Password reset code requested"),
    "auth.password_reset_refused": _l("Password reset not sent"),
    "auth.password_reset_failed": _l("Password reset code refused"),
    "auth.password_reset": _l("Password reset by text message"),
    "auth.reauth": _l("Signed in again before a consult or signature"),
    "user.password_reset_by_admin": _l("Password reset by an administrator"),
    "user.temporary_password_replaced": _l("Temporary password replaced"),
}

OBJECTS = {
    "user": _l("Account"),
    "api_token": _l("API token"),
    "patient": _l("Patient"),
    "encounter": _l("Visit"),
    "document": _l("Document"),
    "payment": _l("Payment"),
    "payment_provider": _l("Payment provider"),
}


def register_audit_labels(actions: dict, objects: dict) -> None:
    """Join a domain's audit action and object names to the tables; a code another part already
    names differently is refused at start-up."""
    for table, added in ((ACTIONS, actions), (OBJECTS, objects)):
        clashes = sorted(code for code, text in added.items() if table.get(code, text) is not text)
        if clashes:
            raise ValueError(f"audit codes named twice: {clashes}")
        table.update(added)


def action_label(code: str) -> str:
    """The action's Chinese name; a refused action reads "<name> (refused)"; unknown: the code."""
    if code.endswith(REFUSED) and code.removesuffix(REFUSED) in ACTIONS:
        return _("%(action)s (refused)", action=ACTIONS[code.removesuffix(REFUSED)])
    return str(ACTIONS.get(code, code))


def object_label(code: str) -> str:
    return str(OBJECTS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    """(code, name) for the filter, sorted by the name as read."""
    return sorted(((code, str(name)) for code, name in ACTIONS.items()), key=lambda c: c[1])
