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
    # The pharmacist's checks, in turn.
    "check_real_form": _l("A real prescription form of a licensed institution"),
    "check_signed_or_sealed": _l("The doctor's signature or seal"),
    "check_patient_matches": _l("The patient's name, sex and age match the account"),
    "check_within_validity": _l("Written within its validity period"),
    "check_not_dispensed_before": _l("Not dispensed before (the institution's number is new)"),
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
    "external_closed": _l("This outside prescription is not waiting for review."),
    "check_out_of_turn": _l("Confirm the checks in turn; the page has changed, look again."),
    "rx_number_required": _l("Give the prescription number printed on the paper."),
    "rx_number_invalid": _l("At most 40 characters, as printed on the paper."),
    "rx_number_dispensed": _l(
        "A prescription of this institution with this number was received before: it is "
        "dispensed once."
    ),
    "checks_incomplete": _l("Confirm every check first."),
    "transcription_required": _l("Transcribe the lines first."),
    "external_blocking_finding": _l(
        "A finding forbids dispensing this prescription (see the safety check): refuse it."
    ),
    "writer_signature_missing": _l(
        "An incompatible pair or an excess dose stands only when the writing doctor signed again "
        "beside it on the paper; without that signature, refuse it."
    ),
    "official_seal_missing": _l(
        "A toxic herb is dispensed from another institution's prescription only with that "
        "institution's official seal on the paper."
    ),
    "second_pharmacist_required": _l("A finding needs a second pharmacist's signature (双签)."),
    "second_not_needed": _l("No finding needs a second pharmacist."),
    "second_pharmacist_same": _l("The second signature is another pharmacist's."),
    "valid_days_invalid": _l("Choose the validity the paper states (at most 3 days)."),
    "external_message_required": _l("Write the message."),
    "external_message_too_long": _l("At most 500 characters."),
    "external_no_question": _l("No question is waiting for your answer."),
}

AUDIT_ACTIONS = {
    "external.start": _l("Outside prescription begun"),
    "external.submit": _l("Outside prescription sent for review"),
    "external.use": _l("Outside prescription ordered"),
    "external.release": _l("Outside prescription freed by its order"),
    "external.check": _l("Outside prescription check confirmed"),
    "external.transcribe": _l("Outside prescription transcribed"),
    "external.ocr": _l("Outside prescription photo read by OCR"),
    "external.second_sign": _l("Outside prescription signed by a second pharmacist"),
    "external.approve": _l("Outside prescription approved"),
    "external.refuse": _l("Outside prescription refused"),
    "external.ask": _l("Question to the patient about an outside prescription"),
    "external.answer": _l("Patient answered about an outside prescription"),
    "external.answer_voice": _l("Patient's voice note on an outside prescription"),
}

AUDIT_OBJECTS = {"external_submission": _l("Outside prescription")}
