"""The optional OCR assist (external_rx/services/ocr.py) with the real tesseract that
`make test` installs: a printed prescription slip's lines come back as proposals with the
catalogue's names; TCM_EXTERNAL_RX_OCR=false turns it off; a PDF page is not read."""

from datetime import date

import pytest
import time_machine

from external_rx.services import ocr, submissions
from external_rx.services.demo import LIZHONG, prescription_photo
from tcm_app.extensions import db
from tests.factories import create_patient, create_pharmacist, pdf_bytes

TODAY = date(2026, 3, 5)


@pytest.fixture
def sent(app):
    patient = create_patient()
    with time_machine.travel(f"{TODAY.isoformat()}T04:00:00Z", tick=False):
        photo = prescription_photo("北京中医医院", "BJ-1", patient, TODAY, LIZHONG, "李医生")
        submission = submissions.start(
            patient.user, patient, institution="北京中医医院", doctor_name="李医生",
            written_on=TODAY, declared=True, first_page=photo,
        )  # fmt: skip
        submissions.add_page(submission, patient.user, pdf_bytes())
        submissions.submit(submission, patient.user)
    db.session.commit()
    return submission


def test_a_printed_slip_is_read_into_proposals_with_catalogue_names(sent):
    assert ocr.available()
    proposed = ocr.proposals(sent, create_pharmacist())
    named = [catalogue_name for _proposal, catalogue_name in proposed]
    assert named[:3] == ["党参", "白术", "干姜"]
    assert [p.grams for p, _name in proposed] == ["9", "9", "6", "6"]
    assert all(p.read_as for p, _name in proposed)


def test_the_setting_turns_the_assist_off(app, sent):
    app.config["EXTERNAL_RX_OCR"] = False
    assert not ocr.available()
