"""Consult schedule and booking forms (Flask-WTF, CSRF on)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import Select

from consults.text_rules import MAX_MESSAGE_CHARS
from tcm_app.forms import VisitRequestForm
from tcm_app.labels import choices

WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)


class SessionForm(FlaskForm):
    weekday = SelectField(
        _l("Weekday"),
        coerce=int,
        choices=choices(enumerate(WEEKDAYS)),
        validators=[InputRequired()],
    )
    start_time = TimeField(_l("From"), validators=[DataRequired()])
    end_time = TimeField(_l("To"), validators=[DataRequired()])
    slot_minutes = IntegerField(
        _l("Minutes per slot"), default=15, validators=[InputRequired(), NumberRange(5, 120)]
    )


class ExceptionForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    closed = BooleanField(_l("No consults that day"), default=True)
    start_time = TimeField(_l("From"), validators=[Optional()])
    end_time = TimeField(_l("To"), validators=[Optional()])
    slot_minutes = IntegerField(
        _l("Minutes per slot"), validators=[Optional(), NumberRange(5, 120)]
    )


class ManyOptionsSelect(Select):
    """WTForms' select, each plain option written directly: the same HTML as Select's for an
    option with no extra attributes, without building its attributes one by one (a doctor's two
    weeks of free times are some 700 options)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')


class BookingForm(VisitRequestForm):
    slot = SelectField(_l("Time"), validators=[DataRequired()], widget=ManyOptionsSelect())


class SlotForm(FlaskForm):
    """A time for a visit already requested (its doctor, patient and complaint are known)."""

    encounter_id = HiddenField()
    slot = SelectField(_l("Time"), validators=[DataRequired()], widget=ManyOptionsSelect())


class ThreadMessageForm(FlaskForm):
    """A message of a text consult: words, a photo (tongue, skin, a report), or both."""

    text = TextAreaField(_l("Message"), validators=[Optional(), Length(max=MAX_MESSAGE_CHARS)])
    photo = FileField(_l("Photo (JPEG or PNG)"))
    voice = FileField(_l("Voice note"))
