"""The consult booking form (/consults/book): its statements do not grow with the number of
online doctors (each choice names the doctor's department, read with the doctors), and its
hundreds of time options are written exactly as WTForms' own select writes them."""

from datetime import time

import pytest
from wtforms import Form, SelectField
from wtforms.widgets import Select

from consults.forms import ManyOptionsSelect
from consults.services import booking
from tcm_app.extensions import db
from tests.factories import create_department, create_doctor, create_patient, login
from tests.statement_count import statements_of

DEPARTMENTS = [("spleen", "脾胃病科"), ("lung", "肺病科"), ("heart", "心病科"), ("liver", "肝病科")]


def online_doctor(number: int):
    code, name = DEPARTMENTS[number % len(DEPARTMENTS)]
    doctor = create_doctor(department=create_department(f"{code}{number}", f"{name}{number}"))
    booking.add_session(doctor, 0, time(9, 0), time(10, 0), 15)
    return doctor


def test_the_booking_forms_statements_do_not_grow_with_the_online_doctors(client, app):
    patient = create_patient()
    for number in range(2):
        online_doctor(number)
    db.session.commit()
    login(client, patient.user)
    few, _page = statements_of(client, "/consults/book")
    for number in range(2, 8):
        online_doctor(number)
    db.session.commit()
    many, page = statements_of(client, "/consults/book")
    assert many == few
    assert all(f"{name}{n}" in page for n in range(8) for _c, name in [DEPARTMENTS[n % 4]])


class Slots(Form):
    ours = SelectField(widget=ManyOptionsSelect())
    wtforms = SelectField(widget=Select())


@pytest.mark.parametrize(
    "choices, data",
    [
        ({"2026-12-07 周一": [("2026-12-07T01:00:00+00:00", "2026-12-07 周一 09:00")]}, None),
        ([("a", "一"), ("b", "二")], "b"),
        ([("x\"<&'", '<b>甲 & 乙 "丙"</b>')], "x\"<&'"),
        ([("", "")], ""),
    ],
    ids=[
        "grouped by day",
        "the chosen time selected",
        "quotes and markup escaped",
        "an empty value shows as itself",
    ],
)
def test_the_many_options_select_writes_what_wtforms_writes(app, choices, data):
    with app.test_request_context():
        form = Slots(data={"ours": data, "wtforms": data})
        form.ours.choices = form.wtforms.choices = choices
        theirs = str(form.wtforms()).replace('"wtforms"', '"ours"')
        assert str(form.ours()) == theirs
