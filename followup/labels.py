"""Labels (translated) of the follow-up domain's codes: task kinds and states, alert reasons,
contact channels, adverse-reaction severities, causality grades and states, refusals, audit log
names. setup.py registers them with the core's table."""

from flask_babel import lazy_gettext as _l

LABELS = {
    # task kinds
    "questionnaire": _l("Questionnaire"),
    "tongue_photo": _l("Tongue photo"),
    "revisit": _l("Revisit reminder"),
    # task states on a day
    "upcoming": _l("Upcoming"),
    "due": _l("Due"),
    "overdue": _l("Overdue"),
    "done": _l("Done"),
    # plan states
    "followup_active": _l("Under way"),
    "followup_ended": _l("Ended"),
    # alert reasons
    "worse": _l("worse symptoms"),
    "reaction": _l("feeling unwell after the medicine or treatment"),
    "hospital": _l("a visit to hospital"),
    "stopped": _l("stopping the medicine"),
    "diarrhoea": _l("diarrhoea"),
    "local_reaction": _l("a reaction where treated"),
    # contact channels
    "phone": _l("Phone call"),
    "message": _l("Message"),
    "video": _l("Video call"),
    "in_clinic": _l("At the clinic"),
    # adverse reactions
    "mild": _l("Mild"),
    "moderate": _l("Moderate"),
    "serious": _l("Serious"),
    "death": _l("Death"),
    "certain": _l("Certain"),
    "probable": _l("Probable"),
    "possible": _l("Possible"),
    "unlikely": _l("Unlikely"),
    "pending": _l("To be assessed"),
    "unassessable": _l("Cannot be assessed"),
    "reaction_reported": _l("Awaiting assessment"),
    "reaction_reviewed": _l("Assessed; to be reported"),
    "reaction_submitted": _l("Reported to the monitoring system"),
}

ERROR_MESSAGES = {
    "visit_not_held": _l("A follow-up plan is made during or after a visit that has begun."),
    "unknown_template": _l("Choose a template from the list."),
    "bad_start": _l("The start must be within a week before or a month after today."),
    "no_tasks": _l("Choose a template or add at least one task."),
    "too_many_tasks": _l("A plan holds at most 20 tasks."),
    "task_twice": _l("The same task is listed twice on one day."),
    "unknown_kind": _l("Choose what the patient is asked to do."),
    "bad_day": _l("The day must be a whole number from 1 to 365."),
    "scale_required": _l("Choose the questionnaire for a questionnaire task."),
    "scale_not_asked": _l("Only a questionnaire task takes a questionnaire."),
    "not_this_visit": _l("Choose a prescription of this visit."),
    "followup_ended": _l("This follow-up plan has ended."),
    "task_closed": _l("This follow-up task is already done or its plan has ended."),
    "task_not_due": _l("This follow-up task is not due yet."),
    "answers_missing": _l("Answer every question."),
    "note_too_long": _l("The note is too long."),
    "followup_photo_only": _l("Send a photo (JPEG or PNG), not a PDF."),
    "channel_required": _l("Choose how you contacted the patient."),
    "contact_note_required": _l("Write what was said and agreed."),
    "onset_required": _l("Give the day it began."),
    "onset_in_future": _l("The day it began cannot be in the future."),
    "onset_before_prescription": _l("The day it began is before the prescription was signed."),
    "severity_required": _l("Choose how serious it is."),
    "description_length": _l("Describe what happened in 5 to 2000 characters."),
    "not_in_prescription": _l("Choose herbs of this prescription."),
    "prescription_required": _l("Choose the prescription."),
    "causality_required": _l("Choose the causality grade."),
    "review_note_required": _l("Write the assessment and what was advised."),
    "reaction_reviewed": _l("This reaction has been assessed already."),
    "reference_required": _l(
        "Give the report number of the monitoring system (up to 64 characters)."
    ),
    "reaction_not_reviewed": _l("A pharmacist assesses the reaction before it is reported."),
}

AUDIT_ACTIONS = {
    "followup.plan": _l("Follow-up plan made"),
    "followup.end": _l("Follow-up plan ended"),
    "followup.answer": _l("Follow-up questionnaire answered"),
    "followup.photo": _l("Follow-up photo sent"),
    "followup.voice": _l("Follow-up voice note sent"),
    "followup.contact": _l("Follow-up contact recorded"),
    "followup.reaction": _l("Adverse reaction reported"),
    "followup.reaction_voice": _l("Adverse reaction also said in a voice note"),
    "followup.reaction_review": _l("Adverse reaction assessed"),
    "followup.reaction_submit": _l("Adverse reaction reported to the monitoring system"),
}

AUDIT_OBJECTS = {
    "followup_plan": _l("Follow-up plan"),
    "followup_task": _l("Follow-up task"),
    "adverse_reaction": _l("Adverse reaction"),
}
