"""Staff forms for treatment bookings: the check-in re-screening, the practitioner's record of
the treatment, a no-show, and resetting the calendar feed address."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tcm_app.labels import choices, label


class CheckInForm(FlaskForm):
    """Filled with one yes/no question per code by `check_in_form`."""


def check_in_form(questions: list[str], **kwargs) -> CheckInForm:
    """The therapy's check-in questions, each a required yes/no."""

    class Form(CheckInForm):
        pass

    for code in questions:
        setattr(
            Form,
            code,
            RadioField(
                label(code),
                choices=choices([("yes", _l("Yes")), ("no", _l("No"))]),
                validators=[InputRequired(message=_l("Answer yes or no."))],
            ),
        )
    form = Form(**kwargs)
    form.question_codes = list(questions)
    return form


def answers_of(form: CheckInForm) -> dict:
    return {code: getattr(form, code).data == "yes" for code in form.question_codes}


class CompleteForm(FlaskForm):
    points = TextAreaField(
        _l("Points or regions treated"),
        validators=[InputRequired(message=_l("Record the points or regions.")), Length(max=2000)],
    )
    minutes_done = IntegerField(
        _l("Minutes"),
        validators=[
            InputRequired(message=_l("Record the minutes.")),
            NumberRange(1, 240, message=_l("Between 1 and 240 minutes.")),
        ],
    )
    reaction = TextAreaField(_l("Reaction"), validators=[Optional(), Length(max=2000)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ActionForm(FlaskForm):
    """A button with CSRF only (no-show, reset the feed address)."""
