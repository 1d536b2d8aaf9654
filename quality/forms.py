"""Forms of the quality pages: a rating, an appeal and its decision, a complaint, a step on it
and its answer, the figures' day."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from quality import rules
from tcm_app.labels import choices

STARS = ("★", "★★", "★★★", "★★★★", "★★★★★")


class RatingForm(FlaskForm):
    score = RadioField(
        _l("Your rating"),
        choices=choices((n, STARS[n - 1]) for n in rules.SCORES),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a rating from 1 to 5 stars."))],
    )
    comment = TextAreaField(
        _l("Comment (optional)"), validators=[Optional(), Length(max=rules.COMMENT_MAX)]
    )


class AppealForm(FlaskForm):
    reason = TextAreaField(
        _l("Why this rating should not count"),
        validators=[InputRequired(message=_l("Give a reason.")), Length(max=rules.REASON_MAX)],
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices([("uphold", _l("Uphold: remove the rating")), ("reject", _l("Reject"))]),
        validators=[InputRequired(message=_l("Choose a decision."))],
    )
    reason = TextAreaField(
        _l("Reason for the decision"),
        validators=[InputRequired(message=_l("Give a reason.")), Length(max=rules.REASON_MAX)],
    )


class ComplaintForm(FlaskForm):
    patient_id = SelectField(_l("For whom"), coerce=int, validators=[InputRequired()])
    about = SelectField(_l("About"), validators=[Optional()])
    # Required unless a voice note says it: the service's rule (required_words_or_voice).
    text = TextAreaField(_l("Your complaint"), validators=[Length(max=rules.COMPLAINT_MAX)])
    voice = FileField(_l("Or say it in a voice note instead"))


class StepForm(FlaskForm):
    kind = SelectField(
        _l("Step"),
        choices=choices([("note", _l("Note")), ("contact", _l("Contact with the patient"))]),
        validators=[InputRequired()],
    )
    text = TextAreaField(
        _l("What was done"),
        validators=[
            InputRequired(message=_l("Write what happened.")),
            Length(max=rules.REASON_MAX),
        ],
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer to the patient"),
        validators=[
            InputRequired(message=_l("Write the answer.")),
            Length(max=rules.COMPLAINT_MAX),
        ],
    )
