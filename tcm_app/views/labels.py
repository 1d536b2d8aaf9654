"""Human labels (translated) for the stable codes stored in the database and sent by the API."""

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
    # prescription statuses
    "draft": _l("Draft"),
    "pending_review": _l("Waiting for pharmacist review"),
    "approved": _l("Approved"),
    "rejected": _l("Returned to the doctor"),
    "used": _l("Used"),
    "expired": _l("Expired"),
    "void": _l("Withdrawn"),
    # safety findings and their severities
    "incompatible_18": _l("Eighteen incompatibilities (十八反)"),
    "incompatible_19": _l("Nineteen mutual restraints (十九畏)"),
    "pregnancy_forbidden": _l("Forbidden in pregnancy"),
    "pregnancy_caution": _l("Caution in pregnancy"),
    "toxic": _l("Toxic herb (28-item list)"),
    "dose_above_max": _l("Above the maximum dose"),
    "dose_below_min": _l("Below the minimum dose"),
    "duplicate_herb": _l("Duplicate herb"),
    "unknown_herb": _l("Not in the catalogue"),
    "toxic_dispensed_processed": _l("Toxic herb not written raw: processed form dispensed"),
    "withdrawn_herb": _l("No longer supplied"),
    "aristolochic_acid": _l("Contains aristolochic acid (nephrotoxic)"),
    "not_supplied": _l("Not supplied by this pharmacy"),
    "block": _l("Must be changed"),
    "double_sign": _l("Reason and second signature"),
    "warn": _l("Warning"),
    "info": _l("For the doctor"),
    "classical": _l("Classical formula"),
    # weekdays
    "weekday_0": _l("Mon"),
    "weekday_1": _l("Tue"),
    "weekday_2": _l("Wed"),
    "weekday_3": _l("Thu"),
    "weekday_4": _l("Fri"),
    "weekday_5": _l("Sat"),
    "weekday_6": _l("Sun"),
    # consult process events
    "consult_waiting": _l("Entered the waiting room"),
    "consult_joined": _l("Joined"),
    "consult_left": _l("Left"),
    "consult_call_started": _l("Doctor started the call"),
    "consult_connected": _l("Connected"),
    "consult_quality_drop": _l("Connection quality dropped"),
    "consult_reconnecting": _l("Connection lost"),
    "consult_reconnected": _l("Reconnected"),
    "consult_media_stalled": _l("Network interrupted (no picture or sound)"),
    "consult_media_resumed": _l("Picture and sound back"),
    "consult_signaling_lost": _l("Message channel lost"),
    "consult_signaling_resumed": _l("Message channel back"),
    "consult_ice_restart": _l("Media connection restarted"),
    "consult_peer_rebuilt": _l("Call connection rebuilt"),
    "consult_rejoined": _l("Rejoined the call"),
    "consult_call_failed": _l("Call cut off"),
    # Why a socket ended or a connection was rebuilt (consult record, technical details).
    "consult_cause_idle": _l("nothing heard for too long"),
    "consult_cause_heartbeat": _l("no answer to heartbeats"),
    "consult_cause_closed": _l("connection closed"),
    "consult_cause_refused": _l("entry refused"),
    "consult_cause_connect_timeout": _l("connecting took too long"),
    "consult_cause_rejoin": _l("rejoined by hand"),
    "consult_cause_online": _l("network came back"),
    "consult_cause_replaced": _l("opened in another page"),
    "consult_cause_bye": _l("left the page"),
    "consult_cause_error": _l("server error"),
    "consult_cause_hangup": _l("hung up"),
    "consult_cause_new_page": _l("the other side opened a new page"),
    "consult_cause_failed": _l("connection failed"),
    "consult_cause_ice_failed": _l("connection failed"),
    "consult_cause_asked": _l("asked by the other side"),
    "consult_cause_new_connection": _l("the other side started a new connection"),
    "consult_media_error": _l("Camera or microphone unavailable"),
    "consult_ended": _l("Call ended"),
    "consult_recording_consent": _l("Patient answered the recording question"),
    "consult_recording_started": _l("Recording started"),
    "consult_call_back": _l("The doctor called the patient back"),
    "agreed": _l("Agreed formula"),
    # herb orders (代煎): statuses, choices, exception reasons
    "order_pending_payment": _l("Waiting for payment"),
    "order_paid": _l("Paid"),
    "order_dispensed": _l("Dispensed (调配)"),
    "order_checked": _l("Checked (复核)"),
    "order_soaking": _l("Soaking"),
    "order_soaked": _l("Soaked"),
    "order_decocting": _l("Decocting"),
    "order_decocted": _l("Decocted"),
    "order_packaged": _l("Packaged"),
    "order_shipped": _l("Shipped"),
    "order_delivered": _l("Delivered"),
    "order_picked_up": _l("Picked up"),
    "order_on_hold": _l("On hold"),
    "order_expired": _l("Lapsed unpaid"),
    "order_cancelled": _l("Cancelled"),
    "prep_decocted": _l("Decocted (代煎)"),
    "prep_raw": _l("Raw pieces (饮片)"),
    "handover_delivery": _l("Delivery"),
    "handover_pickup": _l("Pickup at the clinic"),
    "order_hold_shortage": _l("Shortage"),
    "order_hold_damaged": _l("Damaged"),
    "order_hold_returned": _l("Returned"),
    "order_hold_other": _l("Other"),
    "system": _l("System"),
    "formula_ordinary": _l("Ordinary (一般药, 20–30 min)"),
    "formula_aromatic": _l("Exterior-releasing or aromatic (解表/芳香, 15–20 min)"),
    "formula_tonic": _l("Tonic (滋补, 40–60 min)"),
    # tongue photos (舌象): statuses, the doctor's vocabulary, and what the patient should change
    "tongue_received": _l("Received, checking the photo…"),
    "tongue_quality_failed": _l("Please take a new photo"),
    "tongue_analysed": _l("Photo accepted, waiting for the doctor"),
    "tongue_confirmed": _l("Reviewed by the doctor"),
    "tongue_pale": _l("Pale (淡白)"),
    "tongue_light_red": _l("Light red (淡红)"),
    "tongue_red": _l("Red (红)"),
    "tongue_crimson": _l("Crimson (绛)"),
    "tongue_purple": _l("Blue-purple (青紫)"),
    "tongue_white": _l("White (白)"),
    "tongue_yellow": _l("Yellow (黄)"),
    "tongue_grey_black": _l("Grey-black (灰黑)"),
    "tongue_none": _l("No coating (无苔)"),
    "tongue_thin": _l("Thin (薄)"),
    "tongue_thick": _l("Thick (厚)"),
    "tongue_camera": _l("Camera"),
    "tongue_gallery": _l("Gallery"),
    "tongue_consult": _l("Video consult"),
    "tongue_api": _l("Mobile app"),
    "hint_tongue_found": _l("No tongue found: open your mouth and put your tongue out, tip down."),
    "hint_colour": _l("The photo has no colour: switch off black-and-white or filters."),
    "hint_exposure": _l("The light is too dark or too bright: face a window or a white lamp."),
    "hint_clipped": _l("Parts of the photo are pure white or black: change the light."),
    "hint_colour_cast": _l("The light is strongly coloured: use daylight or a white lamp."),
    "hint_tongue_size": _l("Too far: bring the phone closer until your tongue fills the outline."),
    "hint_cut_off": _l("Your tongue is cut off: keep all of it inside the outline."),
    "hint_sharpness": _l("Blurred: hold the phone still and tap the screen to focus."),
    "hint_glare": _l("Glare on the tongue: switch off the flash or turn away from the lamp."),
    "quality_tongue_found": _l("Tongue found"),
    "quality_colour": _l("Colour photo"),
    "quality_exposure": _l("Exposure"),
    "quality_clipped": _l("Clipped pixels"),
    "quality_colour_cast": _l("Colour cast"),
    "quality_tongue_size": _l("Tongue size"),
    "quality_cut_off": _l("Cut off at the edge"),
    "quality_sharpness": _l("Sharpness"),
    "quality_glare": _l("Glare"),
    "feature_tongue_colour": _l("Tongue colour (舌色)"),
    "feature_coating_colour": _l("Coating colour (苔色)"),
    "feature_coating_thickness": _l("Coating thickness (苔质)"),
    "feature_cracks": _l("Cracks (裂纹)"),
    "feature_tooth_marks": _l("Tooth marks (齿痕)"),
    "feature_body_L": _l("Body lightness L*"),
    "feature_body_a": _l("Body redness a*"),
    "feature_body_b": _l("Body yellowness b*"),
    "feature_coating_L": _l("Coating lightness L*"),
    "feature_coating_a": _l("Coating redness a*"),
    "feature_coating_b": _l("Coating yellowness b*"),
    # treatments: therapies' resources, booking statuses, screening questions
    "bed": _l("Treatment bed"),
    "room": _l("Treatment room"),
    "booked": _l("Booked"),
    "checked_in": _l("Checked in"),
    "no_show": _l("Did not come"),
    "bleeding_risk": _l(
        "A bleeding disorder, or blood thinners (warfarin, rivaroxaban, aspirin …)"
    ),
    "skin_lesion_at_site": _l(
        "Broken, infected or allergic skin, a tumour or varicose veins where you will be treated"
    ),
    "pacemaker": _l("A cardiac pacemaker or other implanted electronics"),
    "loss_of_sensation": _l("Numbness or loss of feeling in the skin (e.g. diabetic neuropathy)"),
    "severe_illness": _l(
        "Severe heart disease, a high fever, active tuberculosis or another acute illness"
    ),
    "menstruating": _l("Having a period today"),
    "fasting_or_exhausted": _l("Very hungry, just after a big meal, drunk or exhausted today"),
    "leave": _l("Leave"),
    "holiday": _l("Clinic holiday"),
    "training": _l("Training"),
    "other": _l("Other"),
    # treatments: patient pages (helper B adds below)
    # treatments: staff pages (helper C adds below)
    "not_working": _l("Not working"),
    "screening_booking": _l("At booking"),
    "screening_check_in": _l("At check-in"),
    "screening_clear": _l("Clear"),
    "screening_flag": _l("Flag for the practitioner"),
    "screening_block": _l("Not treated"),
    # treatments: admin pages (helper D adds below)
    "electro_stimulator": _l("Electro-stimulator"),
    "smoke_extraction": _l("Smoke extraction"),
    "tdp_lamp": _l("TDP heat lamp"),
    # payments (issue 13, orders)
    "payment_created": _l("Waiting for payment"),
    "payment_paid": _l("Paid"),
    "payment_cancelled": _l("Payment cancelled"),
    "payment_refunded": _l("Refunded"),
}


def label(code) -> str:
    return str(LABELS.get(str(code), code))


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, text) for value, text in pairs]


def label_choices(enum_cls, skip=()) -> list[SelectChoice]:
    return choices((m.value, LABELS.get(m.value, m.value)) for m in enum_cls if m.value not in skip)


ERROR_MESSAGES = {
    # treatments: booking refusals (service codes)
    # treatments: staff calendar (helper C)
    "bad_calendar_view": _l("Show a day or a week."),
    "bad_calendar_grouping": _l("Show the calendar by practitioner or by bed or room."),
    "bad_calendar_date": _l("The date must look like 2025-03-14."),
    "bad_calendar_id": _l("Choose a practitioner or a bed or room from the list."),
    "calendar_not_found": _l("Calendar not found."),
    "in_the_past": _l("That time has passed. Choose a later one."),
    "too_far_ahead": _l(
        "Bookings open only a limited number of days ahead. Choose an earlier date."
    ),
    "outside_hours": _l(
        "That time is outside the practitioner's or the clinic's hours. "
        "Choose one of the free times."
    ),
    "not_a_start_time": _l("Sessions start every 15 minutes. Choose one of the free times."),
    "patient_busy": _l("You already have a booking at that time. Choose another time."),
    "not_qualified": _l(
        "This practitioner is not qualified for this therapy. "
        "Choose one of the practitioners offered."
    ),
    "contraindicated": _l(
        "Not booked because of an answer in the screening. Ask your doctor, who may advise another "
        "therapy."
    ),
    "screening_incomplete": _l("Answer every screening question."),
    "course_conflicts": _l(
        "The course does not fit on the dates named, so none of it was booked. Choose another "
        "first day or time, or one of the times offered."
    ),
    "bad_course": _l("A course has 1 to 30 sessions within two months."),
    "past_cancel_cutoff": _l(
        "This booking can no longer be changed online. Please call the clinic."
    ),
    "booking_started": _l("This booking has already started."),
    "not_today": _l("Patients are checked in on the day of their booking."),
    "booking_not_started": _l("A no-show is recorded only after the booked time."),
    "not_the_practitioner": _l("Only the booked practitioner records the treatment."),
    "record_incomplete": _l("Record the points or regions treated and the minutes."),
    "booking_cancelled": _l("This booking was cancelled."),
    "booking_no_show": _l("This booking was recorded as a no-show."),
    "booking_completed": _l("This treatment has been completed."),
    "wrong_booking_status": _l("This booking is not in a state that allows this."),
    "bad_range": _l("The end date is before the start date."),
    "range_too_long": _l("Search at most 62 days at a time."),
    "unknown_therapy": _l("No such therapy."),
    "unknown_practitioner": _l("No such practitioner."),
    "booking_not_found": _l("Booking not found."),
    "unknown_patient": _l("Choose the patient to book for."),
    # treatments: admin refusals (catalogue codes)
    "missing_name": _l("Give the name."),
    "missing_minutes": _l("Give the length in minutes."),
    "bad_minutes": _l("Minutes must be 5 to 240, in whole 5 minutes."),
    "bad_price": _l("Give the price in yuan, at most two decimals, not negative."),
    "bad_resource_kind": _l("Choose a bed or a room."),
    "missing_qualification": _l("Choose the qualification a practitioner needs."),
    "bad_contraindications": _l("Each contraindication is not asked, flag or block."),
    "capacity_in_use": _l(
        "Future bookings use more seats than that. Move them first or keep a larger capacity."
    ),
    "kind_in_use": _l("Future bookings use it: it cannot change between bed and room now."),
    "resource_code_taken": _l("Another bed or room has this code."),
    "bad_resource": _l("A bed or room holds 1 to 50 patients at once."),
    "unknown_qualification": _l("Choose qualifications from the list."),
    "bad_role": _l("Only doctors and clinic staff can be practitioners."),
    "bad_days": _l("The last day is before the first, or the range is longer than 92 days."),
    "day_in_past": _l("Days off and other hours start today or later."),
    "exception_exists": _l(
        "Some of these days already have days off or other hours. Remove those first."
    ),
    # treatments: patient pages' refusals
    "not_the_encounter_doctor": _l("Only the visit's doctor recommends a course."),
    "out_of_range": _l("Out of range: sessions 1-30, every 1-7 days, 0-14 rest days."),
    # herb orders
    "already_ordered": _l("This prescription already backs an order."),
    "expired": _l("This prescription has expired. Ask the doctor again."),
    "toxic_not_delivered": _l(
        "This prescription holds a herb on the list of toxic medicines, which is dispensed in "
        "the hospital only. Choose pickup at the clinic."
    ),
    "not_supplied": _l(
        "A herb on this prescription is not supplied by this pharmacy. Ask the doctor for a new "
        "prescription."
    ),
    "address_required": _l("Choose a delivery address from your address book."),
    "not_orderable": _l("This prescription cannot be ordered."),
    "invalid_formula_type": _l("Choose the decoction type."),
    "wrong_stage": _l("That step cannot be done now: stages are done in order."),
    "not_paid": _l("The order is not paid: nothing is shipped before payment."),
    "weighing_out_of_tolerance": _l(
        "A weighed amount is more than 5% away from the prescription. Re-weigh."
    ),
    "weighing_incomplete": _l("Record the weighed grams of every herb."),
    "same_person": _l("The check must be done by someone other than the dispenser."),
    "soak_too_short": _l("Soaking has not reached its minimum time yet."),
    "decoct_too_short": _l("Decocting has not reached its minimum time yet."),
    "machine_required": _l("Name the decoction machine."),
    "bag_count": _l("The bag count does not match the plan."),
    "bag_volume": _l("Record the volume of a bag (20 to 600 ml)."),
    "tracking_required": _l("Give the courier and its tracking number."),
    "order_changed": _l("The order moved on meanwhile. Reload."),
    "not_staff": _l("Only the decoction room moves orders."),
    # tongue photos
    "unsupported_photo_type": _l("Only JPEG or PNG photos are accepted."),
    "truncated_image": _l("The photo file is incomplete. Send it again."),
    "image_too_small": _l("The photo is too small (at least 64 pixels a side)."),
    "photo_required": _l("Choose a photo."),
    "already_confirmed": _l("This photo was already confirmed."),
    "not_analysed": _l("The analysis is not finished yet."),
    "bad_outline": _l("The outline is not valid. Draw it again."),
    "outline_required": _l("Draw the tongue's outline."),
    "photo_corrupt": _l("The stored photo is damaged."),
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
    # consults: booking a time for a visit already requested
    "already_booked": _l("This visit already has a booked time."),
    "wrong_visit": _l("This visit is with another doctor."),
    # consults: calling the patient back into a broken call
    "not_treating_doctor": _l("Only the treating doctor calls the patient back."),
    "call_not_in_progress": _l("The call is not in progress. Start the video consult again."),
    "patient_in_call": _l("The patient is in the call already."),
    "call_back_too_soon": _l(
        "You called this patient back less than a minute ago. Wait a moment before calling again."
    ),
}


def error_message(code: str, fallback: str = "", params: dict | None = None) -> str:
    message = ERROR_MESSAGES.get(code) or LABELS.get(code)
    if message is None:
        return fallback
    return str(message) % params if params else str(message)
