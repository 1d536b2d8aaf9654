"""The doctor's confirmation of a tongue observation (望诊)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from diagnosis.tongue_changes import OBSERVATION_CHOICES
from tcm_app.labels import choices, label


def _options(name: str):
    return choices((code, label(f"tongue_{code}")) for code in OBSERVATION_CHOICES[name])


class ObservationForm(FlaskForm):
    tongue_colour = SelectField(_l("Tongue colour (舌色)"), validators=[InputRequired()])
    coating_colour = SelectField(_l("Coating colour (苔色)"), validators=[InputRequired()])
    coating_thickness = SelectField(_l("Coating thickness (苔质)"), validators=[InputRequired()])
    cracks = BooleanField(_l("Cracks (裂纹)"))
    tooth_marks = BooleanField(_l("Tooth marks (齿痕)"))
    outline = HiddenField()
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("tongue_colour", "coating_colour", "coating_thickness"):
            getattr(self, name).choices = _options(name)

    def values(self) -> dict:
        return {
            "tongue_colour": self.tongue_colour.data,
            "coating_colour": self.coating_colour.data,
            "coating_thickness": self.coating_thickness.data,
            "cracks": bool(self.cracks.data),
            "tooth_marks": bool(self.tooth_marks.data),
        }
