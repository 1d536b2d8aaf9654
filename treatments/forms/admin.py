"""Forms of the treatment admin pages: a therapy, a bed or room, a practitioner, weekly hours
(one or two spans per weekday), leave and clinic holidays, other hours on a day."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from tcm_app.labels import choices, lazy_label
from treatments.booking_rules import TICK_MINUTES
from treatments.screening import QUESTIONS

EQUIPMENT = ("electro_stimulator", "smoke_extraction", "tdp_lamp")
# The scope a practitioner needs for a therapy (therapies.yaml `qualification`), as people say it.
QUALIFICATIONS = {
    "acupuncture": _l("Acupuncture (needling)"),
    "tuina": _l("Tuina"),
    "cupping": _l("Cupping and gua sha"),
    "moxibustion": _l("Moxibustion"),
    "application": _l("Herbal application"),
}


def qualification_name(code: str) -> str:
    """A qualification code in the reader's language (an unknown code is shown as it is)."""
    return str(QUALIFICATIONS.get(code, code))


WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
EQUIPMENT_CHOICES = choices((e, lazy_label(e)) for e in EQUIPMENT)
KINDS = (("bed", _l("Treatment bed")), ("room", _l("Treatment room")))
SEVERITIES = (("none", _l("Not asked")), ("flag", _l("Flag")), ("block", _l("Block")))


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _spans(form, names) -> list | None:
    """(start, end) pairs of the named fields; None (and field errors) when they are wrong:
    half a span, an end not after its start, or a second span overlapping the first."""
    spans, ok = [], True
    for start_name, end_name in names:
        start, end = form[start_name], form[end_name]
        if start.data is None and end.data is None:
            continue
        if start.data is None or end.data is None:
            (start if start.data is None else end).errors.append(_l("Give both start and end."))
            ok = False
        elif any(t.minute % TICK_MINUTES or t.second for t in (start.data, end.data)):
            start.errors.append(_l("Hours start and end on a 5-minute mark, such as 08:30."))
            ok = False
        elif end.data <= start.data:
            end.errors.append(_l("The end must be after the start."))
            ok = False
        elif spans and start.data < spans[-1][1]:
            start.errors.append(_l("The second span must start after the first ends."))
            ok = False
        else:
            spans.append((start.data, end.data))
    return spans if ok else None


def _span_fields(cls, prefix: str) -> None:
    for n in (1, 2):
        setattr(cls, f"{prefix}start{n}", TimeField(_l("From"), validators=[Optional()]))
        setattr(cls, f"{prefix}end{n}", TimeField(_l("To"), validators=[Optional()]))


def _span_names(prefix: str):
    return [(f"{prefix}start{n}", f"{prefix}end{n}") for n in (1, 2)]


class WeekForm(FlaskForm):
    """Per weekday one or two spans; a blank weekday is a day off."""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.week = {}
        for day in range(7):
            names = _span_names(f"d{day}_")
            if any(self[name].errors for pair in names for name in pair):
                continue  # not a time: its own error is enough
            spans = _spans(self, names)
            if spans is None:
                ok = False
            else:
                self.week[day] = spans
        return ok

    def fill(self, week: dict) -> None:
        for day, spans in week.items():
            for n, (a, b) in enumerate(spans[:2], start=1):
                self[f"d{day}_start{n}"].data, self[f"d{day}_end{n}"].data = a, b

    def rows(self):
        return [
            (WEEKDAYS[day], [(self[a], self[b]) for a, b in _span_names(f"d{day}_")])
            for day in range(7)
        ]


for _day in range(7):
    _span_fields(WeekForm, f"d{_day}_")


class DaysOffForm(FlaskForm):
    """Leave (practitioner) or a clinic holiday: a date range, one closed day each."""

    first = DateField(_l("From"), validators=[InputRequired()])
    last = DateField(_l("To (inclusive)"), validators=[Optional()])
    reason = SelectField(_l("Reason"), validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.last.data and self.last.data < self.first.data:
            self.last.errors.append(_l("The last day is before the first."))
            return False
        return ok


class DayHoursForm(FlaskForm):
    """Other hours on one day (replacing the weekly template that day)."""

    day = DateField(_l("Day"), validators=[InputRequired()])
    reason = SelectField(_l("Reason"), validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.spans = _spans(self, _span_names("")) if ok else None
        if ok and self.spans == []:
            self.start1.errors.append(_l("Give the hours; for a day off use leave."))
        return bool(ok and self.spans)


_span_fields(DayHoursForm, "")


class PractitionerForm(FlaskForm):
    user_id = SelectField(_l("Staff member"), coerce=int, validators=[InputRequired()])
    qualifications = CheckboxList(_l("Qualifications"))


class QualificationsForm(FlaskForm):
    qualifications = CheckboxList(_l("Qualifications"))


class ResourceForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            InputRequired(),
            Regexp(
                r"^[a-z0-9][a-z0-9_-]{0,39}$", message=_l("Lower-case letters, digits, - and _.")
            ),
        ],
    )
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=64)])
    kind = SelectField(_l("Kind"), choices=choices(KINDS), validators=[InputRequired()])
    capacity = IntegerField(
        _l("Capacity (patients at once)"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=50)],
    )
    equipment = CheckboxList(_l("Equipment"), choices=EQUIPMENT_CHOICES)


class TherapyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=64)])
    name_en = StringField(_l("English name"), validators=[Optional(), Length(max=64)])
    minutes = IntegerField(_l("Minutes (5-240, whole 5 minutes)"), validators=[InputRequired()])
    price = StringField(_l("Price (yuan)"), validators=[InputRequired(), Length(max=12)])
    resource_kind = SelectField(_l("Needs a"), choices=choices(KINDS), validators=[InputRequired()])
    equipment = CheckboxList(_l("Equipment"), choices=EQUIPMENT_CHOICES)
    qualification = SelectField(_l("Qualification"), validators=[InputRequired()])
    active = BooleanField(_l("Bookable"))
    home_available = BooleanField(_l("Offered at home (home visits)"))
    home_minutes = IntegerField(
        _l("Minutes at home (5-240, whole 5 minutes)"), validators=[Optional()]
    )
    home_fee = StringField(_l("Home visit fee (yuan)"), validators=[Optional(), Length(max=12)])

    def contraindication_fields(self):
        return [self[f"ci_{q.code}"] for q in QUESTIONS]

    def contraindications(self) -> dict:
        return {
            q.code: self[f"ci_{q.code}"].data
            for q in QUESTIONS
            if self[f"ci_{q.code}"].data != "none"
        }

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "name_en": self.name_en.data or "",
            "minutes": self.minutes.data,
            "price": self.price.data,
            "resource_kind": self.resource_kind.data,
            "equipment": self.equipment.data or [],
            "qualification": self.qualification.data,
            "contraindications": self.contraindications(),
            "active": self.active.data,
            **self.home_values(),
        }

    def home_values(self) -> dict:
        """Offered at home: its minutes and fee, checked by the catalogue's rules (missing ones
        are refused there); not offered: neither."""
        if not self.home_available.data:
            return {"home_minutes": None, "home_fee": None}
        return {"home_minutes": self.home_minutes.data or 0, "home_fee": self.home_fee.data or ""}


for _question in QUESTIONS:
    setattr(
        TherapyForm,
        f"ci_{_question.code}",
        SelectField(_question.code, choices=choices(SEVERITIES), default="none"),
    )
