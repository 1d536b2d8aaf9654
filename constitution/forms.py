"""Forms of the constitution pages: starting a questionnaire, one page of its questions (built
for the page's items), the doctor's confirmation, request and care plan."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tcm_app.common.questionnaire import Item

GO = ("prev", "next", "review", "later")


class StartForm(FlaskForm):
    patient_id = HiddenField(validators=[InputRequired()])
    scale = RadioField(_l("Questionnaire"), validators=[InputRequired()])


class SubmitForm(FlaskForm):
    """Submitting the reviewed answers: nothing but the CSRF token."""


def page_form(items: list[Item], text_of, label_of, data=None) -> FlaskForm:
    """A form with one radio group per question of the page, named by item code. An empty
    group is allowed (the patient may come back to it); the review lists what is left."""

    class PageForm(FlaskForm):
        pass

    for item in items:
        field = RadioField(
            text_of(item),
            choices=[SelectChoice(choice.value, label_of(choice)) for choice in item.choices],
            coerce=int,
            validators=[Optional()],
        )
        setattr(PageForm, item.code, field)
    return PageForm(data=data)  # a POST reads request.form (Flask-WTF's default)


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ConfirmForm(FlaskForm):
    """The doctor's confirmed constitution: it may differ from the questionnaire's."""

    assessment_id = HiddenField()
    primary = CheckboxesField(
        _l("Constitution"), validators=[Optional()]
    )  # the service refuses none
    tendencies = CheckboxesField(_l("Tendencies"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])


class RequestForm(FlaskForm):
    note = TextAreaField(_l("Message to the patient"), validators=[Optional(), Length(max=500)])


class CarePlanForm(FlaskForm):
    """A 治未病 programme: for which constitution, the goal, how often to reassess."""

    constitution = SelectField(_l("Constitution cared for"), validators=[InputRequired()])
    goal = TextAreaField(_l("Goal and advice"), validators=[Optional(), Length(max=1000)])
    reassess_days = IntegerField(
        _l("Reassess every (days)"),
        default=90,
        validators=[InputRequired(), NumberRange(14, 365)],
        render_kw={"min": 14, "max": 365, "inputmode": "numeric"},
    )
