"""The patient's order form and the decoction room's stage form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField
from wtforms.validators import InputRequired, Optional

from tcm_app.labels import choices


class OrderForm(FlaskForm):
    preparation = RadioField(
        _l("Preparation"),
        choices=choices(
            [
                ("decocted", _l("Decocted into bags (代煎)")),
                ("raw", _l("Raw pieces (饮片), to decoct at home")),
            ]
        ),
        default="decocted",
        validators=[InputRequired()],
    )
    handover = RadioField(
        _l("Delivery"),
        choices=choices(
            [("delivery", _l("Deliver to my address")), ("pickup", _l("Pick up at the clinic"))]
        ),
        default="delivery",
        validators=[InputRequired()],
    )
    address_id = SelectField(_l("Address"), coerce=int, validators=[Optional()])


class MoveForm(FlaskForm):
    """One stage move; the key makes a double click or a retry apply once."""

    move = HiddenField(validators=[InputRequired()])
    move_key = HiddenField(validators=[InputRequired()])
