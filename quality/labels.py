"""Labels (translated) of the quality domain's codes, its refusals and its audit log names.
setup.py registers them with the core's table."""

from flask_babel import lazy_gettext as _l

LABELS = {
    # what is rated or complained about (rules.SUBJECTS, prefixed)
    "subject_encounter": _l("Visit"),
    "subject_herb_order": _l("Herb order"),
    "subject_treatment": _l("Treatment"),
    # appeal states
    "appeal_open": _l("Awaiting a decision"),
    "appeal_upheld": _l("Upheld: rating removed"),
    "appeal_rejected": _l("Rejected"),
    # complaint states and steps
    "complaint_filed": _l("Awaiting an answer"),
    "complaint_answered": _l("Answered by the quality office"),
    "step_filed": _l("Filed"),
    "step_note": _l("Note"),
    "step_contact": _l("Contact with the patient"),
    "step_answer": _l("Answer"),
    # figure scopes
    "scope_hospital": _l("Whole hospital"),
    "scope_department": _l("Department"),
    "scope_doctor": _l("Doctor"),
}

# The daily figures' names as the page and the CSV headers show them (rules.FIGURES order).
FIGURE_LABELS = {
    "visits": _l("Visits completed"),
    "visit_seconds_mean": _l("Mean visit length (s)"),
    "responses": _l("First responses"),
    "response_seconds_mean": _l("Mean first-response time (s)"),
    "missed_responses": _l("Unanswered consults"),
    "ratings": _l("Ratings"),
    "rating_mean": _l("Mean rating (1–5)"),
    "complaints": _l("Complaints"),
    "complaint_rate": _l("Complaints per 100 visits"),
    "prescriptions": _l("Prescriptions signed"),
    "renewals": _l("Repeat prescriptions"),
    "renewal_share": _l("Repeat prescriptions (%)"),
}

ERROR_MESSAGES = {
    "figures_day_required": _l("Give the day as YYYY-MM-DD."),
    "no_figures": _l("No figures have been computed for this day."),
    "bad_score": _l("Choose a rating from 1 to 5 stars."),
    "comment_too_long": _l("The comment may be at most %(max)s characters."),
    "already_rated": _l("You have already rated this; a rating is given once."),
    "reason_too_long": _l("The text may be at most %(max)s characters."),
    "already_appealed": _l("This rating has already been appealed; an appeal is made once."),
    "appeal_decided": _l("This appeal has already been decided."),
    "text_required": _l("Write what happened."),
    "text_too_long": _l("The text may be at most %(max)s characters."),
    "bad_step_kind": _l("Choose what kind of step this is."),
    "complaint_answered": _l("This complaint has already been answered."),
}

AUDIT_ACTIONS = {
    "quality.rate": _l("Rating given"),
    "quality.appeal": _l("Rating appealed"),
    "quality.appeal_upheld": _l("Appeal upheld, rating removed"),
    "quality.appeal_rejected": _l("Appeal rejected"),
    "quality.complaint_file": _l("Complaint filed"),
    "quality.complaint_voice": _l("Complaint said in a voice note"),
    "quality.complaint_step": _l("Complaint step recorded"),
    "quality.complaint_answer": _l("Complaint answered"),
    "quality.figures_compute": _l("Daily figures computed"),
    "quality.figures_export": _l("Daily figures exported"),
}
AUDIT_OBJECTS = {
    "quality_rating": _l("Rating"),
    "quality_complaint": _l("Complaint"),
    "quality_figure_run": _l("Daily figures"),
}
