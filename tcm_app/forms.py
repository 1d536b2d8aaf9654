"""Page forms (Flask-WTF, CSRF on). Field rules that need the database live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
)
from wtforms.widgets import HiddenInput

from tcm_app.common.online_care import Eligibility, TerminationReason
from tcm_app.common.text import has_hidden_in_name
from tcm_app.labels import label_choices
from tcm_app.models.accounts import DoctorTitle, Role
from tcm_app.models.patients import (
    FamilyRelation,
    GuardianRelation,
    PregnancyStatus,
    RenalFunction,
)
from tcm_app.services.documents import DocumentType

PHONE = Regexp(r"^1\d{10}$", message=_l("Enter an 11-digit mobile number."))
ID_NUMBER = Regexp(
    r"^\d{17}[\dXx]$", message=_l("An ID number has 17 digits and a final digit or X.")
)


def visible_name(form, field) -> None:
    """A name shows as typed: no invisible characters, text-direction controls or line breaks
    (U+202E would make "张三\u202eabc" read "张三cba" to staff)."""
    if field.data and has_hidden_in_name(field.data):
        raise StopValidation(
            _l("Contains invisible characters or characters that change the text direction.")
        )


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])


CODE = Regexp(r"^\d{6}$", message=_l("The code has 6 digits."))


class PhoneCodeForm(FlaskForm):
    """Registration, first step: the phone number the verification code is sent to."""

    phone = StringField(_l("Mobile phone"), validators=[DataRequired(), PHONE])


class RegisterForm(FlaskForm):
    phone = StringField(_l("Mobile phone"), validators=[DataRequired(), PHONE])
    code = StringField(
        _l("Verification code"),
        validators=[DataRequired(message=_l("Enter the code from the text message.")), CODE],
    )
    accept_terms = BooleanField(
        _l("I have read and accept the user agreement"),
        validators=[DataRequired(message=_l("Accept the user agreement to register."))],
    )
    consent_sensitive = BooleanField(
        _l("I separately consent to the processing of my sensitive personal information"),
        validators=[
            DataRequired(
                message=_l(
                    "Online care cannot be given without your separate consent to the "
                    "processing of your health information."
                )
            )
        ],
    )
    username = StringField(
        _l("Username"), validators=[DataRequired(), visible_name, Length(min=3, max=64)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        _l("Repeat password"), validators=[EqualTo("password", message=_l("Passwords differ."))]
    )
    legal_name = StringField(
        _l("Legal name"), validators=[DataRequired(), visible_name, Length(max=64)]
    )
    id_number = StringField(_l("Resident ID number"), validators=[DataRequired(), ID_NUMBER])


class WardForm(FlaskForm):
    legal_name = StringField(
        _l("Child's legal name"), validators=[DataRequired(), visible_name, Length(max=64)]
    )
    id_number = StringField(
        _l("Child's resident ID number"), validators=[DataRequired(), ID_NUMBER]
    )
    relation = SelectField(_l("Relation"), choices=label_choices(GuardianRelation))


class ElderModeForm(FlaskForm):
    """The elderly mode's switch (长辈模式 开/关): `on` is "1" to switch it on, "0" off."""

    on = HiddenField(validators=[DataRequired()])


class FamilyProxyForm(FlaskForm):
    """An elder names a family member's patient account to act for them (家人代办)."""

    username = StringField(
        _l("Family member's username"),
        description=_l("The name they sign in with. Ask them for it."),
        validators=[DataRequired(), Length(max=64)],
    )
    legal_name = StringField(
        _l("Family member's real name"),
        validators=[DataRequired(), visible_name, Length(max=64)],
    )
    relation = SelectField(_l("They are my"), choices=label_choices(FamilyRelation))
    declaration = BooleanField(
        _l(
            "I agree that this family member may see my visits, prescriptions and orders and act "
            "for me. I can take this back at any time."
        )
    )


class RevokeProxyForm(FlaskForm):
    """Only the CSRF token: the consent is named in the address."""


class PregnancyForm(FlaskForm):
    patient_id = HiddenField(validators=[DataRequired()])
    pregnancy_status = SelectField(_l("Pregnancy status"), choices=label_choices(PregnancyStatus))


class AddressForm(FlaskForm):
    recipient = StringField(
        _l("Recipient"), validators=[DataRequired(), visible_name, Length(max=64)]
    )
    phone = StringField(_l("Mobile phone"), validators=[DataRequired(), PHONE])
    region = StringField(
        _l("Province / city / district"), validators=[DataRequired(), Length(max=128)]
    )
    detail = StringField(_l("Street address"), validators=[DataRequired(), Length(max=200)])
    make_default = BooleanField(_l("Use as default"))


class VisitRequestForm(FlaskForm):
    patient_id = SelectField(_l("Patient"), coerce=int)
    kind = SelectField(_l("Visit type"), choices=[])
    doctor_id = SelectField(_l("Doctor"), coerce=int)
    chief_complaint = TextAreaField(
        _l("What is troubling you"), validators=[DataRequired(), Length(max=2000)]
    )
    voice = FileField(_l("Also say it in a voice note (if you like)"))


class DeskVisitForm(FlaskForm):
    id_number = StringField(
        _l("Patient's resident ID number"), validators=[DataRequired(), ID_NUMBER]
    )
    doctor_id = SelectField(_l("Doctor"), coerce=int)
    scheduled_on = DateField(_l("Date"), validators=[DataRequired()])
    chief_complaint = TextAreaField(_l("Chief complaint"), validators=[Length(max=2000)])


class VersionedForm(FlaskForm):
    """Carries the encounter version so a stale or repeated submit is refused."""

    version = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(0, 2**31 - 1)]
    )


class DocumentForm(FlaskForm):
    doc_type = SelectField(_l("Document type"), choices=label_choices(DocumentType))
    issued_on = DateField(_l("Date on the document"), validators=[Optional()])
    file = FileField(_l("File (PDF, JPEG or PNG)"), validators=[FileRequired()])


class EligibilityForm(VersionedForm):
    decision = SelectField(_l("Decision"), choices=label_choices(Eligibility, skip=("undecided",)))
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])


class NotesForm(VersionedForm):
    inspection_note = TextAreaField(_l("Inspection (望)"), validators=[Length(max=4000)])
    listening_note = TextAreaField(_l("Listening and smelling (闻)"), validators=[Length(max=4000)])
    inquiry_note = TextAreaField(_l("Inquiry (问)"), validators=[Length(max=4000)])
    palpation_note = TextAreaField(_l("Palpation (切)"), validators=[Length(max=4000)])


class DiagnosisForm(FlaskForm):
    disease_name = StringField(_l("Disease (病)"), validators=[DataRequired(), Length(max=64)])
    disease_code = StringField(_l("Disease code"), validators=[Optional(), Length(max=24)])
    syndrome_name = StringField(_l("Syndrome (证)"), validators=[DataRequired(), Length(max=64)])
    syndrome_code = StringField(_l("Syndrome code"), validators=[Optional(), Length(max=24)])
    treatment_method = StringField(_l("Treatment method (治法)"), validators=[Length(max=64)])
    western_name = StringField(_l("Western diagnosis"), validators=[Length(max=64)])
    western_code = StringField(_l("ICD-10 code"), validators=[Optional(), Length(max=16)])
    is_primary = BooleanField(_l("Main diagnosis"), default=True)


class TerminateForm(VersionedForm):
    reason = SelectField(_l("Reason"), choices=label_choices(TerminationReason))
    note = TextAreaField(
        _l("Explanation for the patient"), validators=[DataRequired(), Length(max=2000)]
    )


class RenalFunctionForm(FlaskForm):
    renal_function = SelectField(_l("Kidney function"), choices=label_choices(RenalFunction))


class GuardianForm(FlaskForm):
    present = BooleanField(_l("Guardian is present"))


class StaffForm(FlaskForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(), visible_name, Length(min=3, max=64)]
    )
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(), visible_name, Length(max=64)]
    )
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(), Length(min=8, max=128)]
    )
    role = SelectField(_l("Role"), choices=label_choices(Role, skip=("patient",)))
    licence_number = StringField(_l("Licence number"), validators=[Optional(), Length(max=32)])
    title = SelectField(_l("Title"), choices=label_choices(DoctorTitle))
    department_code = SelectField(_l("Department"), choices=[])
    years_independent_practice = IntegerField(
        _l("Years of independent practice"), validators=[Optional(), NumberRange(0, 70)]
    )
    online_enabled = BooleanField(_l("Enabled for online care"))


class PaymentSandboxForm(FlaskForm):
    """The sandbox provider's two buttons (and, bare, the CSRF check of a pay button)."""

    confirm = SubmitField(_l("Confirm payment"))
    cancel = SubmitField(_l("Cancel payment"))


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    person = StringField(_l("Person (username)"), validators=[Optional(), Length(max=64)])
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    date_from = DateField(_l("From (clinic date)"), validators=[Optional()])
    date_to = DateField(_l("To (clinic date)"), validators=[Optional()])
