"""Prescribing, review and signing forms (Flask-WTF, CSRF on)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from herbs import prescribing
from herbs.catalogue import METHODS
from tcm_app.common.errors import TCMError
from tcm_app.labels import choices, error_message
from tcm_app.views.helpers import apply_errors

EDITOR_ROWS = 12  # blank rows shown for a new prescription; "more rows" adds six


class LineForm(Form):
    """One editor row; a row with neither name nor grams is ignored."""

    name = StringField(_l("Herb"), validators=[Optional(), Length(max=prescribing.MAX_NAME_CHARS)])
    dose_g = StringField(_l("Grams"), validators=[Optional(), Length(max=12)])
    method = SelectField(
        _l("Special method"),
        choices=choices([("", "—")] + [(m, m) for m in METHODS]),
        validators=[Optional()],
    )
    from_template = HiddenField()
    original = HiddenField()  # the template's ancient amount, shown beside the grams
    confirmed = BooleanField(_l("Confirmed"))


class PrescriptionForm(FlaskForm):
    lines = FieldList(FormField(LineForm), min_entries=0)
    packets = IntegerField(
        _l("Packets"),
        validators=[InputRequired(), NumberRange(min=1, max=prescribing.MAX_PACKETS)],
        default=7,
    )
    usage = StringField(
        _l("Usage"),
        validators=[DataRequired(), Length(max=prescribing.MAX_USAGE_CHARS)],
        default=prescribing.DEFAULT_USAGE,
    )
    template_id = HiddenField()
    version = HiddenField()


class SignForm(FlaskForm):
    signing_password = PasswordField(
        _l("Signing password"), validators=[DataRequired(), Length(max=128)]
    )
    version = HiddenField()


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices([("approve", _l("Approve")), ("reject", _l("Return to the doctor"))]),
        validators=[DataRequired()],
    )
    note = TextAreaField(_l("Note or reason"), validators=[Optional(), Length(max=500)])
    signing_password = PasswordField(
        _l("Signing password"), validators=[DataRequired(), Length(max=128)]
    )


class SigningPasswordForm(FlaskForm):
    login_password = PasswordField(_l("Login password"), validators=[DataRequired()])
    signing_password = PasswordField(
        _l("New signing password"), validators=[DataRequired(), Length(min=8, max=128)]
    )


class RenewalRequestForm(FlaskForm):
    """A repeat prescription (续方): how the patient is since the last one, written or said in a
    voice note (语音留言)."""

    update = TextAreaField(
        _l("How are you since the last prescription?"),
        description=_l("Any change, any reaction to the medicine, what you still feel."),
        # Required unless a voice note says it: the service's rule (required_words_or_voice).
        validators=[Length(max=1000)],
    )
    voice = FileField(_l("Or say it in a voice note"))


class RenewalDeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the patient reads it)"), validators=[Length(max=1000)])


# The editor's rows as the form holds them (the prescribing editor and the pharmacist's
# transcription of an outside prescription).


def append_row(form, name="", dose="", method=None, original="", from_template=False) -> None:
    form.lines.append_entry(
        {
            "name": name,
            "dose_g": dose,
            "method": method or "",
            "original": original,
            "from_template": "1" if from_template else "",
        }
    )


def append_blank_rows(form, count: int) -> None:
    for _i in range(count):
        append_row(form)


def rows_of(form) -> tuple[list[dict], list[int], bool]:
    """Non-empty rows as service input, their row numbers, and any unconfirmed template row."""
    raw, positions, unconfirmed = [], [], False
    for position, entry in enumerate(form.lines.entries):
        row = entry.form
        name, dose = (row.name.data or "").strip(), (row.dose_g.data or "").strip()
        if not name and not dose:
            continue
        if row.from_template.data and not row.confirmed.data:
            unconfirmed = True
        raw.append({"name": name, "dose_g": dose or None, "method": row.method.data or None})
        positions.append(position)
    return raw, positions, unconfirmed


def place_line_errors(form, exc: TCMError, positions: list[int]) -> None:
    placed = False
    for key, codes in exc.fields.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit():
            row = form.lines.entries[positions[int(parts[1])]].form
            field = getattr(row, parts[2], None)
            if field is not None:
                field.errors = list(field.errors) + [error_message(c, c) for c in codes]
                placed = True
    if not placed or any(not key.startswith("lines.") for key in exc.fields):
        apply_errors(form, exc)
