"""The prescription header (API answer, page and PDF) shows 病名 + 证候 with their GB/T 15657-2021
codes; the PDF is read back with pdftotext."""

import subprocess

import pytest

from tcm_app.extensions import db
from tcm_app.services import encounters
from tests.factories import bearer, create_pharmacist, create_prescribable_encounter
from tests.herbs.test_prescriptions_api import API, review, signed_prescription

HEADER = "胃痞病（A04.03.15） · 脾气虚证（B04.03.01.03.01）"


@pytest.fixture
def coded_encounter(app):
    encounter = create_prescribable_encounter()
    for diagnosis in list(encounter.active_diagnoses):
        encounters.retire_diagnosis(encounter, encounter.doctor, diagnosis.id)
    encounters.record_diagnosis(
        encounter, encounter.doctor, "胃痞病", "脾气虚证", "A04.03.15", "B04.03.01.03.01"
    )
    db.session.commit()
    return encounter


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "rx.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True)
    return "".join(result.stdout.decode("utf-8").split())


def test_the_prescription_shows_disease_and_pattern_with_codes(client, coded_encounter, tmp_path):
    doctor_headers = bearer(coded_encounter.doctor)
    rx = signed_prescription(client, coded_encounter, doctor_headers)
    assert rx["diagnosis"] == HEADER
    assert rx["diagnoses"][0]["disease_code"] == "A04.03.15"
    assert rx["diagnoses"][0]["syndrome_code"] == "B04.03.01.03.01"
    assert review(client, rx, bearer(create_pharmacist())).status_code == 200
    pdf = client.get(
        f"{API}/prescriptions/{rx['id']}/pdf", headers=bearer(coded_encounter.patient.user)
    )
    assert pdf.status_code == 200, pdf.get_data(as_text=True)[:300]
    assert "".join(HEADER.split()) in pdf_text(pdf.data, tmp_path)
