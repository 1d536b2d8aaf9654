"""Labels (translated) of the outside-prescription domain: states, refusals, audit log names.
setup.py registers them with the core's table."""

from flask_babel import lazy_gettext as _l

LABELS = {
    "external_draft": _l("Not yet sent"),
    "external_waiting": _l("Waiting for the pharmacist"),
    "external_questions": _l("The pharmacist asks you a question"),
    "external_approved": _l("Approved: ready to order"),
    "external_refused": _l("Refused"),
    "external_used": _l("Ordered"),
    "external_expired": _l("Out of date"),
}

ERROR_MESSAGES = {
    "institution_required": _l("Give the hospital or clinic that wrote it."),
    "doctor_name_required": _l("Give the doctor who wrote it."),
    "name_too_long": _l("At most 64 characters."),
    "written_on_required": _l("Give the day it was written."),
    "written_in_future": _l("The day written cannot be in the future."),
    "external_out_of_date": _l(
        "This prescription is out of date (valid 3 days from the day written): ask your doctor "
        "for a new one, or request a follow-up visit here."
    ),
    "declaration_required": _l("Confirm that it is your own current prescription."),
    "page_required": _l("Add a photo of the prescription."),
    "too_many_pages": _l("At most 6 pages."),
    "duplicate_image": _l("This photo was received before: a prescription is dispensed once."),
    "external_sent": _l("This prescription has gone to the pharmacist already."),
    "external_already_ordered": _l("This outside prescription backs an order already."),
    "external_past_validity": _l(
        "This outside prescription is out of date: ask your doctor for a new one."
    ),
    "external_not_orderable": _l("A pharmacist has not approved this outside prescription."),
}

AUDIT_ACTIONS = {
    "external.start": _l("Outside prescription begun"),
    "external.submit": _l("Outside prescription sent for review"),
    "external.use": _l("Outside prescription ordered"),
    "external.release": _l("Outside prescription freed by its order"),
}

AUDIT_OBJECTS = {"external_submission": _l("Outside prescription")}
