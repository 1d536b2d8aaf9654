"""Fixtures shared by the API tests: an online doctor, a patient's follow-up visit, tokens."""

import pytest

from tests.api.helpers import issue
from tests.factories import create_doctor, create_encounter, create_patient


@pytest.fixture
def doctor(app):
    return create_doctor(online=True)


@pytest.fixture
def encounter(app, doctor):
    return create_encounter(patient=create_patient(name="王丽"), doctor=doctor)


@pytest.fixture
def doctor_headers(doctor):
    headers, _ = issue(doctor)
    return headers


@pytest.fixture
def patient_headers(encounter):
    headers, _ = issue(encounter.patient.user)
    return headers
