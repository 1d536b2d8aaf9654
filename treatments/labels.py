"""Labels (translated) of the treatments domain's codes: in-person treatments (resources, bookings,
screening, refusals). The domain's setup.py registers them with the core's table
(tcm_app/labels.py)."""

from flask_babel import lazy_gettext as _l

LABELS = {
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
    # treatments: home visits (上门护理), the home questions
    "someone_present": _l("Another adult will be at home during the visit"),
    "bed_space": _l("There is room for a treatment bed (about 2 × 1 metres)"),
    "pets": _l("There are pets at home"),
}

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
    # treatments: home visits
    "outside_service_area": _l(
        "This address is outside the area we visit. We visit: %(districts)s. Choose another "
        "address or book a session at the clinic."
    ),
    "home_time_unavailable": _l(
        "That time does not leave room for the travel there and back. Choose one of the nearest "
        "times that fit."
    ),
    "home_alone": _l(
        "A home visit needs another adult at home. Book a session at the clinic instead."
    ),
    "not_home_therapy": _l("This therapy is not offered at home."),
    "unknown_address": _l("Choose one of your addresses."),
    "not_home_visit": _l("Only a home visit is checked out."),
    "not_checked_in": _l("Check in at the door first."),
    "bad_home_minutes": _l("Minutes at home must be 5 to 240, in whole 5 minutes."),
    "bad_home_fee": _l("Give the home visit fee in yuan, at most two decimals, not negative."),
    "home_reschedule": _l("A home visit cannot be moved online: cancel it and book a new one."),
}

# Names of the audit log's actions and objects of this domain (tcm_app/views/audit_labels.py).
AUDIT_ACTIONS = {
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
    "treatment.book_home": _l("Home visit booked"),
    "treatment.check_out": _l("Checked out of a home visit"),
    "therapy_update": _l("Therapy edited"),
    "resource_add": _l("Bed or room added"),
    "resource_update": _l("Bed or room edited"),
    "resource_active": _l("Bed or room switched on or off"),
    "practitioner_save": _l("Practitioner saved"),
    "practitioner_active": _l("Practitioner switched on or off"),
    "hours_set": _l("Working hours set"),
    "exception_add": _l("Day off or changed hours added"),
    "exception_remove": _l("Day off or changed hours removed"),
}

AUDIT_OBJECTS = {
    "booking": _l("Booking"),
    "course": _l("Treatment course"),
    "course_recommendation": _l("Course recommendation"),
    "practitioner": _l("Practitioner"),
    "therapy": _l("Therapy"),
    "treatment_resource": _l("Bed or room"),
    "clinic": _l("Clinic"),
}
