"""Forms of the outside-prescription pages: the details with the first photo, one more page,
sending it to the pharmacist; the pharmacist's checks, transcription, second signature,
approval, question and refusal; the patient's answer."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from herbs import prescribing
from herbs.forms import LineForm
from tcm_app.labels import choices


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


class CheckForm(FlaskForm):
    """The next check, confirmed; the last one records the institution's prescription number."""

    check = HiddenField(validators=[InputRequired()])
    valid_days = SelectField(
        _l("Validity the paper states"),
        choices=choices([
            ("", _l("None stated (3 days)")), ("2", _l("2 days")),
            ("1", _l("The day written only")),
        ]),
        validators=[Optional()],
    )  # fmt: skip
    rx_number = StringField(_l("Prescription number on the paper"), validators=[Optional()])


class TranscriptionForm(FlaskForm):
    lines = FieldList(FormField(LineForm), min_entries=0)
    packets = IntegerField(
        _l("Packets"),
        validators=[InputRequired(), NumberRange(min=1, max=prescribing.MAX_PACKETS)],
    )
    usage = StringField(
        _l("Usage"), validators=[DataRequired(), Length(max=prescribing.MAX_USAGE_CHARS)]
    )
    writer_countersigned = BooleanField(
        _l("The writing doctor signed again beside each incompatible pair or excess dose")
    )
    official_seal = BooleanField(_l("The paper bears the institution's official seal"))


class SecondSignForm(FlaskForm):
    note = TextAreaField(_l("What you checked"), validators=[Length(max=500)])
    signing_password = PasswordField(
        _l("Signing password"), validators=[DataRequired(), Length(max=128)]
    )


class ApproveForm(FlaskForm):
    signing_password = PasswordField(
        _l("Signing password"), validators=[DataRequired(), Length(max=128)]
    )


class AskForm(FlaskForm):
    text = TextAreaField(_l("Question to the patient"), validators=[Length(max=1000)])


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the patient reads it)"), validators=[Length(max=1000)])


class AnswerForm(FlaskForm):
    text = TextAreaField(_l("Your answer"), validators=[Length(max=1000)])
    voice = FileField(_l("Or say it in a voice note instead"))


class OcrForm(FlaskForm):
    """Reading the photos (the optional OCR assist): nothing but the CSRF token."""
