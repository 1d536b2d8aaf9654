"""Human labels (translated) for the stable codes stored in the database and sent by the API.

The core's own labels are here; each domain keeps its own in `<domain>/labels.py` and registers
them when it is set up (`register_labels`). Lookups read the joined table when a page renders, so
a form defined at import time still shows the label of a code its domain registers later."""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

LABELS = {
    # roles
    "patient": _l("Patient"),
    "doctor": _l("Doctor"),
    "pharmacist": _l("Pharmacist"),
    "decoction": _l("Decoction staff"),
    "clinic": _l("Clinic staff"),
    "admin": _l("Administrator"),
    "quality": _l("Quality officer"),
    # encounter kinds and statuses
    "online_followup": _l("Online follow-up visit"),
    "online_consultation": _l("Online consultation"),
    "in_person": _l("In-person visit"),
    "requested": _l("Requested"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "terminated": _l("Terminated"),
    "cancelled": _l("Cancelled"),
    # eligibility
    "undecided": _l("Not yet decided"),
    "eligible": _l("Eligible for online follow-up"),
    "not_eligible": _l("Not eligible"),
    # termination reasons
    "condition_changed": _l("Condition has changed"),
    "first_visit": _l("Judged to be a first visit"),
    "unsuitable_online": _l("Not suitable for online care"),
    # documents
    "outpatient_record": _l("Outpatient record"),
    "inpatient_record": _l("Inpatient record"),
    "discharge_summary": _l("Discharge summary"),
    "diagnosis_certificate": _l("Diagnosis certificate"),
    # pregnancy
    "unknown": _l("Unknown"),
    "not_pregnant": _l("Not pregnant"),
    "pregnant": _l("Pregnant"),
    "breastfeeding": _l("Breastfeeding"),
    "not_applicable": _l("Not applicable"),
    # kidney function (肾功能)
    "renal_unknown": _l("Not recorded"),
    "renal_normal": _l("Normal"),
    "renal_impaired": _l("Kidney disease or impaired function"),
    # guardians, sex, titles
    "parent": _l("Parent"),
    "legal_guardian": _l("Legal guardian"),
    # family members who act for an elder (家人代办)
    "family_spouse": _l("Spouse"),
    "family_child": _l("Son or daughter"),
    "family_grandchild": _l("Grandchild"),
    "family_sibling": _l("Brother or sister"),
    "family_other": _l("Other relative"),
    "male": _l("Male"),
    "female": _l("Female"),
    "chief": _l("Chief physician"),
    "associate_chief": _l("Associate chief physician"),
    "attending": _l("Attending physician"),
    "resident": _l("Resident physician"),
    # prescribing blockers
    "encounter_not_open": _l("The visit is closed."),
    "consultation_cannot_prescribe": _l("A consultation gives advice only; no prescription."),
    "doctor_not_enabled_online": _l("The doctor is not enabled for online care."),
    "no_prior_diagnosis_document": _l("No record of a prior in-person diagnosis is attached."),
    "eligibility_undecided": _l("The doctor has not yet decided follow-up eligibility."),
    "guardian_required": _l("A child under 6 needs the guardian present."),
    # weekdays
    "weekday_0": _l("Mon"),
    "weekday_1": _l("Tue"),
    "weekday_2": _l("Wed"),
    "weekday_3": _l("Thu"),
    "weekday_4": _l("Fri"),
    "weekday_5": _l("Sat"),
    "weekday_6": _l("Sun"),
    # payments (issue 13, orders)
    "payment_created": _l("Waiting for payment"),
    "payment_paid": _l("Paid"),
    "payment_cancelled": _l("Payment cancelled"),
    "payment_refunded": _l("Refunded"),
}


def label(code) -> str:
    return str(LABELS.get(str(code), code))


def lazy_label(code) -> LazyString:
    """The label of `code`, looked up when it is shown (in the reader's language)."""
    return LazyString(label, code)


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, text) for value, text in pairs]


def label_choices(enum_cls, skip=()) -> list[SelectChoice]:
    return choices((m.value, lazy_label(m.value)) for m in enum_cls if m.value not in skip)


ERROR_MESSAGES = {
    # whole-form refusals
    "invalid_id_number": _l("The resident ID number is not valid."),
    "id_number_registered": _l("This ID number is already registered."),
    "username_taken": _l("This username is taken."),
    "registration_refused": _l(
        "These details cannot be used to register. If you already have an account, sign in or "
        "reset your password; for help, contact the hospital."
    ),
    "weak_password": _l("The password is too weak."),
    "minor_needs_guardian": _l("A minor is registered by a guardian from the guardian's account."),
    "not_a_minor": _l("Only children under 18 can be added as dependants."),
    "invalid_phone": _l("Enter an 11-digit mobile number."),
    "unsupported_type": _l("Only PDF, JPEG or PNG files are accepted."),
    "file_too_large": _l("The file is larger than allowed."),
    "empty_file": _l("The file is empty."),
    "words_or_voice_required": _l("Write it here, or record a voice note instead."),
    "unreadable_image": _l("The image cannot be read."),
    "image_too_large": _l(
        "The image is too large: %(width)s×%(height)s pixels; at most %(max_side)s pixels a "
        "side and %(max_megapixels)s megapixels in all."
    ),
    "unreadable_pdf": _l("The PDF is damaged or not a PDF."),
    "encrypted_pdf": _l("Password-protected PDFs cannot be read."),
    "pdf_pages": _l("The PDF has no pages or too many."),
    "stale": _l("The record changed meanwhile. Reload and try again."),
    "encounter_closed": _l("This visit is closed."),
    "already_started": _l("The visit has already started."),
    "not_started": _l("Start the visit first."),
    "not_cancellable": _l("Only a visit that has not started can be cancelled."),
    "not_terminated": _l("Only a terminated online visit leads to this booking."),
    "reason_required": _l("Give the reason."),
    "complaint_required": _l("Describe what is troubling the patient."),
    "note_required": _l("Write an explanation for the patient."),
    "no_guardian": _l("No guardian is linked to this patient."),
    "diagnosis_required": _l("Record a diagnosis before completing the visit."),
    "online_practice_years": _l("Online care needs at least 3 years of independent practice."),
    "doctor_not_online": _l("This doctor does not see patients online."),
    "decision_required": _l("Choose a decision."),
    "not_a_followup": _l("Eligibility is decided for online follow-up visits only."),
    "not_online": _l("Only online visits can be terminated."),
    "unknown_diagnosis": _l("No such diagnosis on this visit."),
    "invalid_role": _l("Choose a staff role."),
    "invalid_characters": _l("The text contains characters that cannot be stored."),
    "patient_not_found": _l("No patient is registered with this ID number."),
    "not_your_prescription": _l("Only the prescribing doctor may do this."),
    "not_your_encounter": _l("Only the treating doctor prescribes on this visit."),
    "prescribing_blocked": _l("Prescribing is not allowed on this visit now."),
    "not_a_draft": _l("A signed prescription cannot be edited."),
    "already_signed": _l("This prescription is already signed."),
    "bad_signature": _l("The signing password is wrong."),
    "signing_locked": _l(
        "Signing is locked after repeated wrong signing passwords until %(until)s (clinic time). "
        "An administrator can unlock it sooner."
    ),
    "account_locked": _l(
        "Too many failed sign-ins: signing in is locked for now. Try again in %(minutes)s minutes."
    ),
    "blocking_findings": _l("Change the lines marked 'must be changed' before signing."),
    "double_signature_required": _l("Give a reason and sign again for each flagged finding."),
    "lines_required": _l("Add at least one herb."),
    "too_many_lines": _l("Too many lines."),
    "invalid_prescription": _l("The prescription has errors; see the marked lines."),
    "not_reviewer": _l("A pharmacist other than the prescriber reviews."),
    "already_reviewed": _l("This prescription has already been reviewed."),
    "content_changed": _l("The signed content does not match its signature."),
    "not_rejected": _l("Only a returned prescription is revised."),
    "prescription_used": _l("This prescription has already been used."),
    "prescription_expired": _l("This prescription has expired."),
    "prescription_not_approved": _l("This prescription has not been approved."),
    "not_signed": _l("A draft has no prescription document yet."),
    "not_participant": _l("You are not a participant of this consult."),
    "consult_closed": _l("This consult is closed."),
    "call_ended": _l("The doctor ended this call."),
    "bad_room_token": _l("The consult link expired. Open the consult page again."),
    "slot_taken": _l("This time is no longer free; choose another."),
    "recording_off": _l("This hospital does not record consults."),
    "no_consent": _l("Recording needs the patient's consent."),
    "bad_chunk": _l("The recording piece was refused."),
    "not_patient": _l("Only the patient answers this."),
    "no_booking": _l("There is no booking to cancel."),
    "end_before_start": _l("The end is before the start."),
    "bad_slot_length": _l("A slot lasts 5 to 120 minutes."),
    "shorter_than_a_slot": _l("The session is shorter than one slot."),
    "bad_weekday": _l("Choose a weekday."),
    "not_reviewed": _l("The prescription is available after pharmacist review."),
    "wrong_password": _l("The login password is wrong."),
    "same_as_login": _l("The signing password must differ from the login password."),
    "unknown_herb": _l("Not in the catalogue"),
    "not_a_number": _l("Enter a number."),
    "dose_not_positive": _l("Grams must be more than 0."),
    "dose_absurd": _l("More than 250 g is not a possible daily amount."),
    "dose_precision": _l("At most three decimals."),
    "packets_not_positive": _l("At least one packet."),
    "too_many_packets": _l("At most 30 packets."),
    # coded TCM diagnoses (issue 16)
    "unknown_code": _l(
        "This code is not in the GB/T 15657-2021 code table; pick the name from the list."
    ),
    "code_name_mismatch": _l(
        "The name does not match this code; pick the name from the list again."
    ),
    "temporary_diagnosis": _l(
        "A temporary diagnostic term (such as 胃痛) cannot be the final diagnosis of a visit; "
        "withdraw it and record the disease."
    ),
    # family proxies (家人代办): beside the field, in plain words
    "proxy_unknown": _l(
        "No patient account has this username and name. Check both with your family member."
    ),
    "proxy_self": _l("This is your own account. Name a family member."),
    "proxy_minor": _l("A child under 18 cannot act for you. Name an adult."),
    "proxy_minor_elder": _l(
        "You are under 18: your parent or guardian already acts for you. You cannot name "
        "someone else."
    ),
    "proxy_duplicate": _l("This family member can already act for you."),
    "proxy_not_declared": _l("Tick the box to agree."),
    "proxy_not_found": _l("This family member no longer acts for you."),
    # field-level codes
    "required": _l("This field is required."),
    "format": _l("The format is not valid."),
    "region": _l("The first digits are not a known region."),
    "birth_date": _l("The birth date in the number is impossible."),
    "check_digit": _l("The check digit does not match."),
    "too_short": _l("At least 8 characters."),
    "too_long": _l("Too long."),
    "needs_letter": _l("Include a letter."),
    "needs_digit": _l("Include a digit."),
    "contains_username": _l("Must not contain the username."),
    "invalid": _l("Not a valid choice."),
    "unknown": _l("Unknown value."),
    "future": _l("The date is in the future."),
    "minor": _l("A minor is registered by a guardian from the guardian's account."),
    "adult": _l("Only children under 18 can be added as dependants."),
    "min_years": _l("Online care needs at least 3 years of independent practice."),
    # payments (issue 13, orders)
    "already_paid": _l("This is paid already."),
    "nothing_to_pay": _l("There is nothing to pay for this visit."),
    "not_payable": _l("This order can no longer be paid."),
    "order_not_cancellable": _l("The order is being prepared and can no longer be cancelled."),
}


def error_message(code: str, fallback: str = "", params: dict | None = None) -> str:
    message = ERROR_MESSAGES.get(code) or LABELS.get(code)
    if message is None:
        return fallback
    return str(message) % params if params else str(message)


def register_labels(labels: dict, errors: dict) -> None:
    """Join a domain's labels and refusal messages to the table. A code means one thing: a code
    another part already labels differently is refused at start-up."""
    for table, added in ((LABELS, labels), (ERROR_MESSAGES, errors)):
        clashes = sorted(code for code, text in added.items() if table.get(code, text) is not text)
        if clashes:
            raise ValueError(f"codes labelled twice: {clashes}")
        table.update(added)
