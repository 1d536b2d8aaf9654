"""Forms of the outside-prescription pages: the details with the first photo, one more page,
sending it to the pharmacist."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, StringField
from wtforms.validators import InputRequired, Optional


class StartForm(FlaskForm):
    patient_id = HiddenField(validators=[InputRequired()])
    institution = StringField(_l("Hospital or clinic that wrote it"), validators=[Optional()])
    doctor_name = StringField(_l("Doctor who wrote it"), validators=[Optional()])
    written_on = DateField(_l("Day written"), validators=[Optional()])
    file = FileField(_l("Photo of the prescription (the first page)"))
    declared = BooleanField(
        _l("It is my own (or my child's) current prescription, written for me by that doctor.")
    )


class PageForm(FlaskForm):
    file = FileField(_l("Photo of the next page"))


class SendForm(FlaskForm):
    """Sending to the pharmacist: nothing but the CSRF token."""
