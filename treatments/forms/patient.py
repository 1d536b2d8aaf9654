"""Forms of the patient's treatment pages (search, screening, cancel, reschedule, courses) and of
the doctor's course recommendation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tcm_app.labels import choices, label
from treatments.services.recommendations import DEFAULTS, LIMITS


class SlotSearchForm(FlaskForm):
    """Step 1 (a GET form: a search changes nothing): therapy, practitioner, day, patient."""

    class Meta:
        csrf = False

    therapy = RadioField(_l("Therapy"), validators=[InputRequired()])
    practitioner_id = SelectField(_l("Practitioner"), validators=[Optional()])
    day = DateField(_l("Date"), validators=[InputRequired()])
    patient_id = SelectField(_l("For"), validators=[Optional()])


class BookingForm(FlaskForm):
    """Step 3: the chosen start, confirmed with the screening answers (added per therapy)."""

    therapy = HiddenField(validators=[InputRequired()])
    start = HiddenField(validators=[InputRequired()])
    practitioner_id = HiddenField(validators=[InputRequired()])
    patient_id = HiddenField()


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for cancelling"), validators=[InputRequired(), Length(max=500)]
    )


class RescheduleForm(FlaskForm):
    """A new start: each choice is "ISO start|practitioner id"."""

    slot = RadioField(_l("New time"), validators=[InputRequired()])


class CoursePlanForm(FlaskForm):
    """The course preview (GET): who, from which day, at what time of day."""

    class Meta:
        csrf = False

    practitioner_id = SelectField(_l("Practitioner"), validators=[InputRequired()])
    first_day = DateField(_l("First session"), validators=[InputRequired()])
    at = TimeField(_l("Time of day"), validators=[InputRequired()])


class CourseConfirmForm(FlaskForm):
    practitioner_id = HiddenField(validators=[InputRequired()])
    first_day = HiddenField(validators=[InputRequired()])
    at = HiddenField(validators=[InputRequired()])


def _bounded(name: str, text):
    low, high = LIMITS[name]
    return IntegerField(
        text,
        default=DEFAULTS[name],
        validators=[InputRequired(), NumberRange(low, high)],
        render_kw={"min": low, "max": high, "inputmode": "numeric"},
    )


class CourseRecommendForm(FlaskForm):
    """The doctor's course advice; defaults follow 《针灸学》: every other day, 10 sessions a
    course, 3 days' rest between courses."""

    therapy = SelectField(_l("Therapy"), validators=[InputRequired()])
    sessions = _bounded("sessions", _l("Sessions in all"))
    every_days = _bounded("every_days", _l("Every … days"))
    course_length = _bounded("course_length", _l("Sessions per course (0: one course)"))
    rest_days = _bounded("rest_days", _l("Rest days between courses"))
    note = TextAreaField(_l("Note for the patient"), validators=[Optional(), Length(max=2000)])


YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


def with_screening(base: type[FlaskForm], codes: list[str]) -> type[FlaskForm]:
    """`base` plus one required yes/no question per screening code (field name = the code)."""

    class Screened(base):
        pass

    for code in codes:
        setattr(
            Screened,
            code,
            RadioField(label(code), choices=choices(YES_NO), validators=[InputRequired()]),
        )
    return Screened


def answers_of(form, codes: list[str]) -> dict:
    """The ticked answers as {code: bool}; unanswered codes are left out."""
    found = {}
    for code in codes:
        value = getattr(form, code).data
        if value in ("yes", "no"):
            found[code] = value == "yes"
    return found
