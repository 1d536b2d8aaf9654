"""Forms of the home-visit pages: the search (address, therapy, day), the confirmation with the
screening and the home questions, and the practitioner's check-out at the door."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField
from wtforms.validators import InputRequired, Optional

from tcm_app.labels import choices, label
from treatments.forms.patient import YES_NO
from treatments.home_visits import HOME_QUESTIONS


class HomeSearchForm(FlaskForm):
    """Step 1 (a GET form: a search changes nothing)."""

    class Meta:
        csrf = False

    address_id = SelectField(_l("Address"), validators=[InputRequired()])
    therapy = RadioField(_l("Therapy"), validators=[InputRequired()])
    practitioner_id = SelectField(_l("Practitioner"), validators=[Optional()])
    day = DateField(_l("Date"), validators=[InputRequired()])
    patient_id = HiddenField()


class HomeBookingForm(FlaskForm):
    """Step 3: the chosen start, confirmed with the screening (added per therapy) and the home
    questions."""

    therapy = HiddenField(validators=[InputRequired()])
    start = HiddenField(validators=[InputRequired()])
    practitioner_id = HiddenField(validators=[InputRequired()])
    address_id = HiddenField(validators=[InputRequired()])
    patient_id = HiddenField()


def home_booking_form(screening_codes: list[str]) -> type[FlaskForm]:
    """The confirmation form with one required yes/no per screening and home question."""

    class Form(HomeBookingForm):
        pass

    for code in [*screening_codes, *HOME_QUESTIONS]:
        setattr(
            Form,
            code,
            RadioField(label(code), choices=choices(YES_NO), validators=[InputRequired()]),
        )
    return Form


def yes_no(form, codes) -> dict:
    """The ticked answers as {code: bool}; unanswered codes are left out."""
    found = {}
    for code in codes:
        value = getattr(form, code).data
        if value in ("yes", "no"):
            found[code] = value == "yes"
    return found


class CheckOutForm(FlaskForm):
    """A button with CSRF only."""
