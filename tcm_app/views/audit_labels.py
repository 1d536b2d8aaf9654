"""Audit log labels: a Chinese name (through Flask-Babel) for every action code passed to
`record_audit` or `.audited()`, and for the objects they name. `tests/core/test_audit_log.py`
fails when code audits an action that has no label here."""

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
    "document.upload": _l("Document uploaded"),
    "document.view": _l("Document opened"),
    "encounter.request": _l("Visit requested"),
    "encounter.status": _l("Visit status changed"),
    "encounter.eligibility": _l("Follow-up eligibility decided"),
    "encounter.notes": _l("Four-examination notes recorded"),
    "encounter.diagnosis": _l("Diagnosis recorded"),
    "encounter.diagnosis_retired": _l("Diagnosis withdrawn"),
    "encounter.guardian_present": _l("Guardian presence recorded"),
    "prescription.access": _l("Prescription opened"),
    "prescription.create": _l("Prescription draft opened"),
    "prescription.edit": _l("Prescription draft saved"),
    "prescription.sign": _l("Prescription signed"),
    "prescription.review": _l("Prescription reviewed"),
    "prescription.revise": _l("Prescription revised"),
    "prescription.release": _l("Prescription released"),
    "prescription.expire": _l("Prescription expired"),
    "prescription.use": _l("Prescription used for an order"),
    "herbs.import": _l("Herb catalogue imported"),
    "codes.import": _l("TCM diagnosis codes imported"),
    "herbs.import_formulas": _l("Formula templates imported"),
    "order.place": _l("Herb order placed"),
    "order.pay": _l("Order paid"),
    "order.dispense": _l("Herbs dispensed"),
    "order.check": _l("Dispensing checked"),
    "order.start_soak": _l("Soaking started"),
    "order.finish_soak": _l("Soaking finished"),
    "order.start_decoct": _l("Decocting started"),
    "order.finish_decoct": _l("Decocting finished"),
    "order.package": _l("Order packaged"),
    "order.ship": _l("Order shipped"),
    "order.deliver": _l("Order delivered"),
    "order.pick_up": _l("Order picked up"),
    "order.hold": _l("Order put on hold"),
    "order.resume": _l("Order resumed"),
    "order.expire": _l("Unpaid order lapsed"),
    "order.cancel": _l("Order cancelled"),
    "order.refund": _l("Order refunded"),
    "payment.start": _l("Payment started"),
    "payment.paid": _l("Payment received"),
    "payment.cancel": _l("Payment cancelled"),
    "payment.refund": _l("Payment refunded"),
    "payment.counter": _l("Paid at the counter"),
    "payment.notify": _l("Payment notice from the provider"),
    "visit.fee_paid": _l("Visit fee paid"),
    "tongue.upload": _l("Tongue photo uploaded"),
    "tongue.view": _l("Tongue photo opened"),
    "tongue.confirm": _l("Tongue observation confirmed"),
    "consult.book": _l("Video consult booked"),
    "consult.cancel": _l("Video consult cancelled"),
    "consult.session_add": _l("Consult hours added"),
    "consult.session_remove": _l("Consult hours removed"),
    "consult.exception_add": _l("Consult day changed"),
    "consult.wait": _l("Entered the waiting room"),
    "consult.start": _l("Video consult started"),
    "consult.call_back": _l("Patient called back to the video consult"),
    "consult.join": _l("Joined the video consult"),
    "consult.token": _l("Consult room entry refused"),
    "consult.chat": _l("Consult chat message"),
    "consult.recording_consent": _l("Recording consent answered"),
    "treatment.book": _l("Treatment booked"),
    "treatment.book_course": _l("Treatment course booked"),
    "treatment.recommend_course": _l("Treatment course recommended"),
    "treatment.reschedule": _l("Treatment rescheduled"),
    "treatment.cancel": _l("Treatment cancelled"),
    "treatment.check_in": _l("Checked in for treatment"),
    "treatment.check_in_blocked": _l("Treatment check-in blocked"),
    "treatment.complete": _l("Treatment completed"),
    "treatment.no_show": _l("Treatment no-show"),
    "treatment.calendar_token": _l("Calendar link reset"),
    "therapy_update": _l("Therapy edited"),
    "resource_add": _l("Bed or room added"),
    "resource_update": _l("Bed or room edited"),
    "resource_active": _l("Bed or room switched on or off"),
    "practitioner_save": _l("Practitioner saved"),
    "practitioner_active": _l("Practitioner switched on or off"),
    "hours_set": _l("Working hours set"),
    "exception_add": _l("Day off or changed hours added"),
    "exception_remove": _l("Day off or changed hours removed"),
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
    "prescription": _l("Prescription"),
    "herb_catalogue": _l("Herb catalogue"),
    "formula_templates": _l("Formula templates"),
    "order": _l("Herb order"),
    "payment": _l("Payment"),
    "payment_provider": _l("Payment provider"),
    "tongue_image": _l("Tongue photo"),
    "booking": _l("Booking"),
    "course": _l("Treatment course"),
    "course_recommendation": _l("Course recommendation"),
    "practitioner": _l("Practitioner"),
    "therapy": _l("Therapy"),
    "treatment_resource": _l("Bed or room"),
    "clinic": _l("Clinic"),
}


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
