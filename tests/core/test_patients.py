"""Real-name patients: validated ID numbers, encryption at rest, guardians, pregnancy status."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.common.resident_id import build_resident_id
from tcm_app.extensions import db
from tcm_app.services import patients
from tcm_app.services.clock import clinic_today
from tests.factories import PASSWORD, create_patient

ADULT_ID = build_resident_id("110105", date(1980, 5, 17), 41, "female")


def register(id_number=ADULT_ID, username="wangli", phone="13912345678"):
    return patients.register_patient(username, PASSWORD, "王丽", id_number, phone)


def test_registration_derives_birth_date_and_sex(app):
    patient = register()
    assert (patient.birth_date, patient.sex, patient.user.role) == (
        date(1980, 5, 17),
        "female",
        "patient",
    )
    assert patient.masked_id_number == ADULT_ID[:4] + "*" * 10 + ADULT_ID[-4:]


def test_identifiers_are_encrypted_at_rest(app):
    register()
    db.session.commit()
    row = db.session.execute(sa.text("SELECT id_number, phone FROM patients")).one()
    assert ADULT_ID not in row.id_number and "13912345678" not in row.phone
    assert (
        db.session.scalar(sa.select(sa.text("id_number_digest")).select_from(sa.text("patients")))
        != ADULT_ID
    )


@pytest.mark.parametrize(
    ("id_number", "field_code"),
    [
        pytest.param(
            ADULT_ID[:-1] + ("0" if ADULT_ID[-1] != "0" else "1"),
            "check_digit",
            id="wrong-check-digit-refused",
        ),
        pytest.param("110105198013170012", "birth_date", id="impossible-birth-date-refused"),
        pytest.param("12345", "format", id="short-number-refused"),
    ],
)
def test_invalid_id_numbers_are_refused(app, id_number, field_code):
    with pytest.raises(ValidationError) as exc:
        register(id_number)
    assert exc.value.fields == {"id_number": [field_code]}


def test_same_id_number_cannot_register_twice(app):
    register()
    with pytest.raises(ConflictError):
        register(username="someone-else")


def test_minor_cannot_self_register(app):
    child = build_resident_id("110105", clinic_today() - timedelta(days=10 * 365), 3, "male")
    with pytest.raises(ValidationError) as exc:
        register(child)
    assert exc.value.code == "minor_needs_guardian"


def test_guardian_adds_a_child_who_has_no_login(app):
    guardian = register()
    child_id = build_resident_id("110105", clinic_today() - timedelta(days=3 * 365), 5, "male")
    child = patients.add_ward(guardian, "王小宝", child_id, "parent", guardian.user)
    assert (child.guardian_id, child.user_id, child.guardian_relation) == (
        guardian.id,
        None,
        "parent",
    )


def test_adult_cannot_be_added_as_a_child(app):
    guardian = register()
    with pytest.raises(ValidationError):
        patients.add_ward(
            guardian,
            "成年人",
            build_resident_id("110105", date(1990, 1, 1), 7, "male"),
            "parent",
            guardian.user,
        )


@pytest.mark.clock  # the clinic's day, not the server's (make test-clock)
def test_pregnancy_status_is_dated(app):
    patient = create_patient()
    patients.set_pregnancy_status(patient, "pregnant", patient.user)
    assert (patient.pregnancy_status, patient.pregnancy_updated_on) == ("pregnant", clinic_today())


def test_pregnancy_does_not_apply_to_men(app):
    man = create_patient(sex="male", name="张三")
    assert man.pregnancy_status == "not_applicable"
    with pytest.raises(ValidationError):
        patients.set_pregnancy_status(man, "pregnant", man.user)


def test_addresses_keep_one_default_and_encrypt_the_street(app):
    patient = create_patient()
    first = patients.add_address(
        patient, "王丽", "13812345678", "北京市 朝阳区", "阜通东大街6号", False, patient.user
    )
    second = patients.add_address(
        patient, "王丽", "13812345678", "北京市 海淀区", "中关村大街1号", True, patient.user
    )
    assert (first.is_default, second.is_default) == (False, True)
    db.session.commit()
    stored = db.session.execute(sa.text("SELECT detail FROM addresses")).scalars().all()
    assert all("大街" not in value for value in stored)


def test_lookup_by_id_number_uses_the_blind_index(app):
    patient = register()
    assert patients.find_by_id_number(ADULT_ID.lower()).id == patient.id
