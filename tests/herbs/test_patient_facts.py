"""What the checker is told about the patient comes from the patient record."""

from datetime import timedelta

import pytest

from herbs.services.prescriptions import patient_facts
from tcm_app.services.clock import clinic_today
from tests.factories import create_patient

CASES = [
    ("a woman of 30 with no recorded status", "female", 30, "unknown", (False, True)),
    ("a pregnant woman", "female", 30, "pregnant", (True, False)),
    ("a woman recorded as not pregnant", "female", 30, "not_pregnant", (False, False)),
    ("a woman of 60", "female", 60, "unknown", (False, False)),
    ("a girl of 8", "female", 8, "unknown", (False, False)),
    ("a man", "male", 30, "unknown", (False, False)),
]


@pytest.mark.parametrize(
    "sex,age,status,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_pregnancy_facts(app, sex, age, status, expected):
    birth = clinic_today() - timedelta(days=age * 365 + 30)
    patient = create_patient(birth=birth, sex=sex)
    patient.pregnancy_status = status
    facts = patient_facts(patient)
    assert (facts.pregnant, facts.pregnancy_unknown) == expected
    assert facts.age == age


@pytest.mark.parametrize(
    "recorded, expected",
    [("renal_unknown", None), ("renal_normal", False), ("renal_impaired", True)],
    ids=[
        "kidney function not recorded: the checker is told nothing",
        "recorded normal: no kidney disease",
        "recorded impaired: kidney disease",
    ],
)
def test_kidney_facts(app, recorded, expected):
    patient = create_patient(birth=clinic_today() - timedelta(days=50 * 365), sex="male")
    patient.renal_function = recorded
    assert patient_facts(patient).kidney_disease is expected
