"""The printed day sheet: per practitioner, time, therapy, bed, full name, screening flags and
a blank notes column, A4 through WeasyPrint; read back with pdftotext. No ID numbers."""

import subprocess

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import create_doctor, create_patient, create_practitioner, create_user, login
from tests.treatments.helpers import NO, at, clinic_today, small_clinic
from treatments.services import bookings, documents, moves
from treatments.services.bookings import Request

# Today and tomorrow in the clinic: make test-clock runs these at 00:30, 08:30 and 23:30.
pytestmark = pytest.mark.clock


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_size(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return next(line for line in info.stdout.splitlines() if line.startswith("Page size"))


def two_practitioners_day():
    """Two practitioners with a session each tomorrow; the first patient flagged (bleeding)."""
    first, patient, therapy = small_clinic(beds=2)
    second = create_practitioner(user=create_doctor(username="dr-second"))
    second.user.full_name = "钱医生"
    other = create_patient(name="孙小美")
    one = bookings.book(
        patient.user,
        patient,
        Request(therapy, at(1, 9), first.user_id, {**NO, "bleeding_risk": True}),
    )
    two = bookings.book(other.user, other, Request(therapy, at(1, 10), second.user_id, dict(NO)))
    db.session.commit()
    return one, two


def test_the_sheet_lists_each_practitioners_sessions_with_flags(app, tmp_path):
    one, two = two_practitioners_day()
    day = clinic_today().fromordinal(clinic_today().toordinal() + 1)
    with app.test_request_context("/?lang=en"):
        pdf = documents.day_sheet_pdf(day)
    pages = [p for p in pdf_text(pdf, tmp_path).split("\f") if p.strip()]
    assert len(pages) == 2  # a page per practitioner
    first = next(p for p in pages if one.practitioner.user.full_name in p)
    for expected in ("治疗日程单", "09:00", one.therapy.name, one.resource.name, "备注 / 签名"):
        assert expected in first, expected
    assert one.patient.legal_name in first  # the internal sheet has the full name
    assert "blood thinners" in first  # the screening flag
    assert "孙小美" in "".join(pages) and "钱医生" in "".join(pages)
    for patient in (one.patient, two.patient):
        assert patient.id_number not in "".join(pages)
    assert "(A4)" in pdf_size(pdf, tmp_path)


def test_the_sheet_for_one_practitioner(app, client, tmp_path):
    one, two = two_practitioners_day()
    clerk = create_user(Role.CLINIC, username="desk-sheet")
    db.session.commit()
    login(client, clerk)
    day = clinic_today().fromordinal(clinic_today().toordinal() + 1)
    response = client.get(
        f"/treatments/day-sheet.pdf?date={day}&practitioner_id={two.practitioner_id}"
    )
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Type"] == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "孙小美" in text and one.patient.legal_name not in text


def test_an_empty_day_still_prints(app, client, tmp_path):
    clerk = create_user(Role.CLINIC, username="desk-empty")
    db.session.commit()
    login(client, clerk)
    response = client.get(f"/treatments/day-sheet.pdf?date={clinic_today()}")
    assert response.status_code == 200
    assert "当日无治疗预约" in pdf_text(response.data, tmp_path)


def test_cancelled_sessions_are_left_off(app, tmp_path):
    one, _ = two_practitioners_day()
    moves.cancel(one.patient.user, one, "有事", now=at(0, 8))
    db.session.commit()
    day = clinic_today().fromordinal(clinic_today().toordinal() + 1)
    with app.test_request_context("/"):
        text = pdf_text(documents.day_sheet_pdf(day), tmp_path)
    assert one.patient.legal_name not in text and "孙小美" in text
