"""A patient's outside prescription (external_rx/services/submissions.py): details and the first
photo make a draft, more pages follow, sending tells every pharmacist; the same photo is refused a
second time; a stale prescription cannot be sent; who sees what."""

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from external_rx.services import submissions
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.inbox import InboxMessage
from tests.factories import create_child, create_patient, create_pharmacist, pdf_bytes, png_bytes

TODAY = date(2026, 3, 5)


def at_noon(day: date):
    return time_machine.travel(f"{day.isoformat()}T04:00:00Z", tick=False)


def start(user, patient, first_page=None, **change):
    values = {
        "institution": "北京中医医院", "doctor_name": "李医生", "written_on": TODAY,
        "declared": True, "first_page": first_page or png_bytes(width=60), **change,
    }  # fmt: skip
    return submissions.start(user, patient, **values)


@pytest.fixture
def patient(app):
    patient = create_patient()
    db.session.commit()
    return patient


def test_a_draft_takes_pages_then_goes_to_every_pharmacist(patient):
    first, second = create_pharmacist(username="ph-1"), create_pharmacist(username="ph-2")
    with at_noon(TODAY):
        draft = start(patient.user, patient)
        submissions.add_page(draft, patient.user, pdf_bytes())
        submissions.submit(draft, patient.user)
        db.session.commit()
    assert draft.status == "waiting" and [p.number for p in draft.pages] == [1, 2]
    assert [p.content_type for p in draft.pages] == ["image/png", "application/pdf"]
    assert submissions.read_page(draft.pages[0]).startswith(b"\x89PNG")
    for pharmacist in (first, second):
        texts = db.session.scalars(
            select(InboxMessage.text).where(InboxMessage.user_id == pharmacist.id)
        ).all()
        assert texts == [f"{patient.legal_name}的外院处方待审核（共2页）。"]
    assert submissions.waiting() == [draft]
    with pytest.raises(ConflictError):
        submissions.add_page(draft, patient.user, png_bytes(width=61))


def test_the_same_photo_is_refused_a_second_time(patient):
    with at_noon(TODAY):
        start(patient.user, patient)
        db.session.commit()
        with pytest.raises(ValidationError) as refused:
            start(patient.user, patient)
    assert refused.value.fields == {"file": ["duplicate_image"]}


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"written_on": TODAY - timedelta(days=3)}, "written_on", "external_out_of_date"),
        ({"declared": False}, "declared", "declaration_required"),
        ({"institution": ""}, "institution", "institution_required"),
    ],
    ids=["out of date", "without the declaration", "without the institution"],
)
def test_unusable_details_are_refused_before_any_photo_is_kept(patient, change, field, code):
    with at_noon(TODAY), pytest.raises(ValidationError) as refused:
        start(patient.user, patient, **change)
    assert refused.value.fields[field] == [code]


def test_a_draft_gone_stale_cannot_be_sent(patient):
    with at_noon(TODAY):
        draft = start(patient.user, patient)
        db.session.commit()
    with at_noon(TODAY + timedelta(days=3)), pytest.raises(ValidationError) as refused:
        submissions.submit(draft, patient.user)
    assert refused.value.code == "external_out_of_date"


def test_a_guardian_sends_for_a_child_and_others_see_nothing(patient):
    child = create_child(patient)
    stranger = create_patient(name="李四")
    pharmacist = create_pharmacist(username="ph-3")
    db.session.commit()
    with at_noon(TODAY):
        draft = start(patient.user, child)
        db.session.commit()
        with pytest.raises(NotFoundError):
            start(stranger.user, child, first_page=png_bytes(width=70))
    for user in (stranger.user, pharmacist):  # a pharmacist sees it once it is sent
        with pytest.raises(NotFoundError):
            submissions.visible_submission(user, draft.id)
    assert submissions.visible_submission(patient.user, draft.id) is draft
