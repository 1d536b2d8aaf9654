"""The pharmacist's review of an outside prescription (external_rx/services/review.py): checks in
turn, the institution's number once, the transcription checked like the hospital's own, the
second pharmacist, the writer's signature and the seal the paper must show, questions that stop
the clock, refusal and approval the patient reads, and the record an order uses once."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from external_rx.intake_rules import CHECKS
from external_rx.services import records, review, submissions
from tcm_app.common.errors import ConflictError, PermissionDeniedError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.inbox import InboxMessage
from tests.factories import SIGNING_PASSWORD, create_patient, create_pharmacist, png_bytes

TODAY = date(2026, 3, 5)
LIZHONG = [("党参", "9"), ("干姜", "6"), ("白术", "9"), ("炙甘草", "6")]


def at(day: date, hour_utc: int = 4):
    return time_machine.travel(f"{day.isoformat()}T{hour_utc:02d}:00:00Z", tick=False)


def rows(lines):
    return [{"name": name, "dose_g": dose, "method": ""} for name, dose in lines]


@pytest.fixture
def patient(app):
    patient = create_patient()
    db.session.commit()
    return patient


@pytest.fixture
def pharmacists(app):
    first, second = create_pharmacist(username="ph-a"), create_pharmacist(username="ph-b")
    db.session.commit()
    return first, second


def sent(patient, width=60, **change):
    values = {
        "institution": "北京中医医院", "doctor_name": "李医生", "written_on": TODAY,
        "declared": True, "first_page": png_bytes(width=width), **change,
    }  # fmt: skip
    submission = submissions.start(patient.user, patient, **values)
    submissions.submit(submission, patient.user)
    db.session.commit()
    return submission


def confirm_all(submission, pharmacist, number="BJ-0001"):
    for check in CHECKS:
        review.confirm_check(submission, pharmacist, check, number)
    db.session.commit()


def transcribe(submission, pharmacist, lines=LIZHONG, packets=3, **paper):
    paper = {"writer_countersigned": False, "official_seal": False, **paper}
    findings = review.save_transcription(
        submission, pharmacist, rows(lines), packets, "每日1剂，水煎服", **paper
    )
    db.session.commit()
    return findings


def test_an_approved_transcription_is_an_external_record_ordered_once(patient, pharmacists):
    first, _ = pharmacists
    with at(TODAY):
        submission = sent(patient)
        confirm_all(submission, first)
        assert transcribe(submission, first) == []
        review.approve(submission, first, SIGNING_PASSWORD)
        db.session.commit()
    assert submission.status == "approved" and submission.decided_by_id == first.id
    assert [line.herb.name for line in submission.lines] == ["党参", "干姜", "白术", "炙甘草"]
    # The paper written on the 5th is usable through the 7th, clinic time (UTC+8).
    assert submission.valid_until == datetime(2026, 3, 7, 16, 0, tzinfo=UTC)
    inbox = db.session.scalars(
        select(InboxMessage.text).where(InboxMessage.user_id == patient.user.id)
    ).all()
    assert inbox == ["您在北京中医医院开具的外院处方已审核通过：请于2026-03-07（含）前下单。"]
    with at(TODAY):
        records.consume(submission, "order:1")
        with pytest.raises(ConflictError) as twice:
            records.consume(submission, "order:2")
    assert twice.value.code == "external_already_ordered"
    with at(TODAY + timedelta(days=3)):
        records.release(submission, "order:1")
        assert records.effective_status(submission) == "expired"


def test_checks_are_confirmed_in_turn_each_recorded(patient, pharmacists):
    first, _ = pharmacists
    with at(TODAY):
        submission = sent(patient)
        with pytest.raises(ConflictError) as out_of_turn:
            review.confirm_check(submission, first, "patient_matches")
        review.confirm_check(submission, first, "real_form")
        db.session.commit()
    assert out_of_turn.value.code == "check_out_of_turn"
    assert submission.checks["real_form"]["by"] == first.id
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == str(submission.id))
    ).all()
    assert "external.check" in actions


def test_the_institutions_number_is_dispensed_once(patient, pharmacists):
    first, _ = pharmacists
    with at(TODAY):
        earlier = sent(patient, width=60)
        confirm_all(earlier, first, "BJ-0001")
        later = sent(patient, width=61)
        for check in CHECKS[:-1]:
            review.confirm_check(later, first, check)
        with pytest.raises(ValidationError) as refused:
            review.confirm_check(later, first, "not_dispensed_before", "BJ-0001")
    assert refused.value.fields == {"rx_number": ["rx_number_dispensed"]}


def test_a_paper_gone_out_of_date_in_the_queue_cannot_be_confirmed_or_approved(
    patient, pharmacists
):
    first, _ = pharmacists
    with at(TODAY):
        submission = sent(patient)
        for check in CHECKS[:3]:
            review.confirm_check(submission, first, check)
        db.session.commit()
    with at(TODAY + timedelta(days=3)), pytest.raises(ValidationError) as refused:
        review.confirm_check(submission, first, "within_validity")
    assert refused.value.code == "external_out_of_date"


def test_an_unknown_herb_writes_nothing(patient, pharmacists):
    first, _ = pharmacists
    with at(TODAY):
        submission = sent(patient)
        confirm_all(submission, first)
        with pytest.raises(ValidationError) as refused:
            review.save_transcription(
                submission, first, rows([("党参", "9"), ("不存在草", "6")]), 3, "水煎服",
                writer_countersigned=False, official_seal=False,
            )  # fmt: skip
    db.session.rollback()
    assert refused.value.fields == {"lines.1.name": ["unknown_herb"]}
    assert submission.lines == [] and submission.transcribed_at is None


def test_an_incompatible_pair_needs_the_writers_signature_and_a_second_pharmacist(
    patient, pharmacists
):
    first, second = pharmacists
    with at(TODAY):
        submission = sent(patient)
        confirm_all(submission, first)
        findings = transcribe(submission, first, [("甘草", "6"), ("海藻", "10")])
        assert {f["code"] for f in findings} >= {"incompatible_18"}
        with pytest.raises(ValidationError) as without_writer:
            review.approve(submission, first, SIGNING_PASSWORD)
        transcribe(submission, first, [("甘草", "6"), ("海藻", "10")], writer_countersigned=True)
        with pytest.raises(ValidationError) as without_second:
            review.approve(submission, first, SIGNING_PASSWORD)
        with pytest.raises(PermissionDeniedError):
            review.second_sign(submission, first, SIGNING_PASSWORD, "原方医师已在旁再次签名")
        review.second_sign(submission, second, SIGNING_PASSWORD, "原方医师已在旁再次签名")
        review.approve(submission, first, SIGNING_PASSWORD)
        db.session.commit()
    assert without_writer.value.fields == {
        "approval": ["writer_signature_missing", "second_pharmacist_required"]
    }
    assert without_second.value.fields == {"approval": ["second_pharmacist_required"]}
    assert submission.status == "approved" and submission.second_pharmacist_id == second.id


def test_a_toxic_herb_needs_the_institutions_seal(patient, pharmacists):
    first, second = pharmacists
    with at(TODAY):
        submission = sent(patient)
        confirm_all(submission, first)
        transcribe(submission, first, [("生半夏", "3")], packets=2)
        review.second_sign(submission, second, SIGNING_PASSWORD, "两人核对剂量")
        with pytest.raises(ValidationError) as unsealed:
            review.approve(submission, first, SIGNING_PASSWORD)
        # A new transcription takes back the second signature.
        transcribe(submission, first, [("生半夏", "3")], packets=2, official_seal=True)
        assert submission.second_pharmacist_id is None
    assert unsealed.value.fields == {"approval": ["official_seal_missing"]}


def test_a_question_stops_the_clock_until_the_patient_answers(patient, pharmacists):
    first, _ = pharmacists
    with at(TODAY, 2):
        submission = sent(patient)
    with at(TODAY, 3):
        review.ask(submission, first, "第二页看不清，请重新拍摄剂量部分。")
        db.session.commit()
        assert submission.status == "questions" and submission.review_seconds == 3600
        with pytest.raises(ConflictError):
            review.confirm_check(submission, first, "real_form")
    with at(TODAY, 7):
        review.answer(submission, patient.user, "剂量：党参9克。")
        db.session.commit()
    with at(TODAY, 8):
        assert review.review_minutes(submission) == 120  # 02–03 and 07–08, not 03–07
    assert [m.body for m in submission.messages] == [
        "第二页看不清，请重新拍摄剂量部分。",
        "剂量：党参9克。",
    ]


def test_a_refusal_gives_the_patient_its_reason(patient, pharmacists):
    first, _ = pharmacists
    with at(TODAY):
        submission = sent(patient)
        with pytest.raises(ValidationError):
            review.refuse(submission, first, " ")
        review.refuse(submission, first, "照片不是处方笺")
        db.session.commit()
    assert submission.status == "refused" and submission.refusal_reason == "照片不是处方笺"
    text = db.session.scalars(
        select(InboxMessage.text).where(InboxMessage.user_id == patient.user.id)
    ).all()
    assert text == ["您在北京中医医院开具的外院处方未通过审核：照片不是处方笺"]
    with at(TODAY), pytest.raises(ConflictError):
        review.approve(submission, first, SIGNING_PASSWORD)


def test_a_patient_cannot_review(patient, pharmacists):
    with at(TODAY):
        submission = sent(patient)
        with pytest.raises(PermissionDeniedError):
            review.confirm_check(submission, patient.user, "real_form")


def test_a_shorter_validity_stated_on_the_paper_is_kept(patient, pharmacists):
    first, _ = pharmacists
    with at(TODAY):
        submission = sent(patient)
        for check in CHECKS[:3]:
            review.confirm_check(submission, first, check)
        with pytest.raises(ValidationError) as too_long:
            review.confirm_check(submission, first, "within_validity", stated_days=5)
        review.confirm_check(submission, first, "within_validity", stated_days=1)
        review.confirm_check(submission, first, "not_dispensed_before", "BJ-0002")
        transcribe(submission, first)
        db.session.commit()
    assert too_long.value.fields == {"valid_days": ["valid_days_invalid"]}
    with at(TODAY + timedelta(days=1)), pytest.raises(ValidationError) as next_day:
        review.approve(submission, first, SIGNING_PASSWORD)
    assert next_day.value.code == "external_out_of_date"
    with at(TODAY):
        review.approve(submission, first, SIGNING_PASSWORD)
    # Usable through the day written only: until midnight, clinic time (UTC+8).
    assert submission.valid_until == datetime(2026, 3, 5, 16, 0, tzinfo=UTC)
