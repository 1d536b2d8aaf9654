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
}

AUDIT_ACTIONS: dict = {}
AUDIT_OBJECTS: dict = {}
