"""Labels (translated) of the constitution domain's codes: the nine constitutions, verdicts,
assessment states, refusals, audit log names. setup.py registers them with the core's table."""

from flask_babel import lazy_gettext as _l

LABELS = {
    # verdicts (体质判定)
    "verdict_yes": _l("Yes"),
    "verdict_basically_yes": _l("Basically yes"),
    "verdict_tendency": _l("Tendency"),
    "verdict_no": _l("No"),
    # assessment states
    "assessment_draft": _l("Not yet submitted"),
    "assessment_submitted": _l("Submitted"),
    # advice topics
    "topic_diet": _l("Diet"),
    "topic_routine": _l("Daily routine"),
    "topic_exercise": _l("Exercise"),
    "topic_emotions": _l("Emotions"),
    "topic_seasons": _l("Through the seasons"),
    "topic_acupoints": _l("Acupoint self-massage"),
}

ERROR_MESSAGES = {
    # flask constitution score
    "invalid_json": _l("The input is not valid JSON."),
    "bad_input": _l("The input must be a JSON object."),
    "unknown_sex": _l("Sex must be female or male."),
    "bad_age": _l("Age must be a whole number of years from 0 to 150."),
    "missing_answers": _l("The answers are missing: give an object with one list per type."),
    "unknown_type": _l("There is no constitution type %(type)s."),
    "missing_type": _l("The answers for %(type)s are missing."),
    "wrong_length": _l("%(type)s needs %(expected)s answers."),
    "bad_answer": _l("Each answer of %(type)s must be a whole number from 1 to 5."),
    # the pages and the API
    "not_your_patient": _l("You can only answer for yourself or a child in your care."),
    "scale_not_for_age": _l("This questionnaire is not for the patient's age."),
    "sex_unknown": _l("The patient's sex is not recorded; ask the clinic to correct it."),
    "assessment_submitted": _l(
        "A submitted assessment cannot be changed; take the questionnaire again instead."
    ),
    "bad_answer_choice": _l("This answer is not one of the choices."),
    "answers_busy": _l("Your answers were being saved at the same moment; please tick again."),
    "constitution_required": _l("Choose the constitution you confirm."),
    "bad_tendency": _l("A tendency is a biased type other than the constitution chosen."),
    "bad_answers": _l("%(count)s answers are missing or not one of the choices."),
    "bad_reassess_days": _l("Reassess every 14 to 365 days."),
    "plan_ended": _l("This care plan has already ended."),
    "questions_unanswered": _l("%(count)s questions are not answered yet; they are listed below."),
}

AUDIT_ACTIONS = {
    "constitution.start": _l("Constitution questionnaire started"),
    "constitution.submit": _l("Constitution questionnaire submitted"),
    "constitution.confirm": _l("Constitution confirmed by the doctor"),
    "constitution.request": _l("Constitution questionnaire requested"),
    "constitution.enrol": _l("Enrolled in a preventive care plan"),
    "constitution.end_plan": _l("Preventive care plan ended"),
    "constitution.remind": _l("Reassessment reminder sent"),
}
AUDIT_OBJECTS = {
    "constitution_assessment": _l("Constitution assessment"),
    "constitution_confirmation": _l("Constitution confirmation"),
    "constitution_request": _l("Constitution questionnaire request"),
    "constitution_care_plan": _l("Preventive care plan"),
}
