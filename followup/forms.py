"""Forms of the follow-up pages: the doctor's plan (a template or tasks by hand), a task's
questionnaire (built for its scale) or photo, a contact record, ending a plan, and the
adverse-reaction report, assessment and submission."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tcm_app.common.questionnaire import Scale

TASK_ROWS = 6  # rows a doctor fills by hand; empty rows are skipped


class TaskRowForm(Form):
    """One task by hand: on which day, what, and (for a questionnaire) which one."""

    day = IntegerField(
        _l("Day"),
        validators=[Optional(), NumberRange(1, 365)],
        render_kw={"min": 1, "max": 365, "inputmode": "numeric"},
    )
    kind = SelectField(_l("Task"), validators=[Optional()])
    scale = SelectField(_l("Questionnaire"), validators=[Optional()])


class PlanForm(FlaskForm):
    template = SelectField(_l("Template"), validators=[Optional()])
    start_on = DateField(_l("Start (the day the medicine or treatment begins)"),
                         validators=[InputRequired()])  # fmt: skip
    prescription_id = SelectField(_l("About the prescription"), validators=[Optional()])
    note = TextAreaField(_l("Message to the patient"), validators=[Optional(), Length(max=500)])
    tasks = FieldList(FormField(TaskRowForm), min_entries=TASK_ROWS, max_entries=TASK_ROWS)


def answer_form(scale: Scale, text_of, label_of) -> FlaskForm:
    """One radio group per question, named by item code, and the patient's own words. The
    service names every unanswered question."""

    class AnswerForm(FlaskForm):
        note = TextAreaField(
            _l("Anything else to tell the doctor"), validators=[Optional(), Length(max=1000)]
        )
        voice = FileField(_l("Or say it in a voice note"))

    for item in scale.items:
        field = RadioField(
            text_of(item),
            choices=[SelectChoice(choice.value, label_of(choice)) for choice in item.choices],
            coerce=int,
            validators=[Optional()],
        )
        setattr(AnswerForm, item.code, field)
    return AnswerForm()


class PhotoForm(FlaskForm):
    file = FileField(_l("Photo of your tongue"))


class ContactForm(FlaskForm):
    channel = SelectField(_l("How"), validators=[InputRequired()])
    note = TextAreaField(_l("What was said and agreed"), validators=[Optional(), Length(max=2000)])


class EmptyForm(FlaskForm):
    """A button's form: nothing but the CSRF token."""


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ReactionForm(FlaskForm):
    prescription_id = HiddenField(validators=[InputRequired()])
    onset_on = DateField(_l("The day it began"), validators=[Optional()])
    severity = RadioField(_l("How serious"), validators=[Optional()])
    description = TextAreaField(
        _l("What happened (symptoms, when, what was done)"),
        validators=[Optional(), Length(max=2000)],
    )
    voice = FileField(_l("Also say it in a voice note (if you like)"))
    suspected = CheckboxesField(_l("Herbs suspected (if known)"), validators=[Optional()])


class ReviewForm(FlaskForm):
    causality = SelectField(_l("Causality (关联性评价)"), validators=[Optional()])
    note = TextAreaField(_l("Assessment and advice"), validators=[Optional(), Length(max=2000)])


class SubmissionForm(FlaskForm):
    reference = StringField(
        _l("Report number in the national monitoring system"),
        validators=[Optional(), Length(max=64)],
    )
