"""Text consults (consults/services/threads.py): the patient opens the thread once the fee is
paid; the doctor's first message answers it; a closed thread takes no message; unanswered by the
deadline it closes with the fee refunded and the unstarted visit cancelled; quiet, it closes;
only the visit's patient side and doctor write."""

from datetime import timedelta

import pytest

from consults.models import TextConsult
from consults.services import threads
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.payments import Payment
from tcm_app.services import payments, visit_fees
from tests.factories import create_doctor, create_encounter, create_patient, png_bytes


@pytest.fixture
def visit(app):
    doctor = create_doctor(username="dr-text")
    patient = create_patient(sex="female")
    encounter = create_encounter(patient=patient, doctor=doctor)
    db.session.commit()
    return doctor, patient, encounter


def pay(encounter, patient) -> Payment:
    fee = visit_fees.fee_of(encounter)
    payment = payments.record_counter_payment(
        visit_fees.PURPOSE,
        encounter.id,
        encounter.patient_id,
        fee.amount,
        patient.user,
        f"T{encounter.id}",
    )
    db.session.commit()
    return payment


def test_the_thread_opens_once_the_fee_is_paid(visit):
    _doctor, patient, encounter = visit
    with pytest.raises(ConflictError) as refused:
        threads.open_thread(encounter, patient.user)
    assert refused.value.code == "fee_unpaid"
    pay(encounter, patient)
    thread = threads.open_thread(encounter, patient.user)
    assert thread.reply_due_at - thread.opened_at == timedelta(hours=24)
    assert threads.open_thread(encounter, patient.user).id == thread.id


def test_the_doctors_first_message_answers_the_thread(visit):
    doctor, patient, encounter = visit
    pay(encounter, patient)
    thread = threads.open_thread(encounter, patient.user)
    threads.post_message(encounter, patient.user, "舌苔比上周薄了", png_bytes())
    assert thread.first_reply_at is None
    threads.post_message(encounter, doctor, "继续原方，注意饮食")
    assert thread.first_reply_at is not None
    assert [m.image_key is not None for m in threads.messages(encounter)] == [False, True, False]


def test_a_closed_thread_takes_no_message(visit):
    doctor, patient, encounter = visit
    pay(encounter, patient)
    threads.open_thread(encounter, patient.user)
    threads.close_by_doctor(encounter, doctor)
    with pytest.raises(ConflictError) as refused:
        threads.post_message(encounter, patient.user, "还在吗")
    assert refused.value.code == "thread_closed"


def test_an_empty_message_is_refused_on_its_field(visit):
    _doctor, patient, encounter = visit
    pay(encounter, patient)
    threads.open_thread(encounter, patient.user)
    with pytest.raises(ValidationError) as refused:
        threads.post_message(encounter, patient.user, "   ")
    assert refused.value.fields == {"text": ["empty_message"]}


def test_unanswered_by_the_deadline_closes_refunds_and_cancels(visit):
    _doctor, patient, encounter = visit
    payment = pay(encounter, patient)
    thread = threads.open_thread(encounter, patient.user)
    db.session.commit()
    assert threads.close_due(thread.reply_due_at - timedelta(minutes=1)) == {
        "unanswered": 0, "quiet": 0,
    }  # fmt: skip
    assert threads.close_due(thread.reply_due_at) == {"unanswered": 1, "quiet": 0}
    db.session.commit()
    db.session.refresh(thread)
    db.session.refresh(payment)
    db.session.refresh(encounter)
    assert (thread.status, thread.close_reason) == ("closed", "unanswered")
    assert payment.status == "refunded" and encounter.status == "cancelled"
    assert threads.close_due(thread.reply_due_at + timedelta(hours=1)) == {
        "unanswered": 0, "quiet": 0,
    }  # fmt: skip


def test_an_answered_thread_closes_after_the_quiet_period(visit):
    doctor, patient, encounter = visit
    pay(encounter, patient)
    thread = threads.open_thread(encounter, patient.user)
    threads.post_message(encounter, doctor, "请按时服药")
    db.session.commit()
    quiet = thread.last_message_at + timedelta(hours=72)
    assert threads.close_due(quiet) == {"unanswered": 0, "quiet": 1}
    db.session.refresh(thread)
    assert thread.close_reason == "quiet"


def test_nobody_else_writes(visit):
    _doctor, patient, encounter = visit
    pay(encounter, patient)
    threads.open_thread(encounter, patient.user)
    stranger = create_patient(sex="male", name="李雷")
    other_doctor = create_doctor(username="dr-other")
    for user in (stranger.user, other_doctor):
        with pytest.raises(NotFoundError):
            threads.post_message(encounter, user, "你好")


def test_the_workbench_lists_unanswered_first_by_deadline(app):
    doctor = create_doctor(username="dr-list")
    opened = []
    for name in ("甲", "乙"):
        patient = create_patient(name=name)
        encounter = create_encounter(patient=patient, doctor=doctor)
        pay(encounter, patient)
        opened.append(threads.open_thread(encounter, patient.user))
    threads.post_message(opened[0].encounter, doctor, "已阅")
    assert [t.id for t in threads.open_for_doctor(doctor)] == [opened[1].id, opened[0].id]
    assert db.session.query(TextConsult).count() == 2


def test_a_voice_note_is_kept_and_a_fake_one_refused_on_its_field(visit):
    _doctor, patient, encounter = visit
    pay(encounter, patient)
    threads.open_thread(encounter, patient.user)
    note = threads.post_message(encounter, patient.user, "", voice=b"OggS" + b"\0" * 200)
    assert (note.audio_mime, note.text) == ("audio/ogg", "")
    with pytest.raises(ValidationError) as refused:
        threads.post_message(encounter, patient.user, "", voice=b"not audio at all")
    assert refused.value.fields == {"voice": ["unsupported_audio"]}


def test_a_voice_note_whose_file_is_gone_is_not_found_not_a_server_error(visit, client):
    from consults.services import calls
    from tcm_app.services.storage import storage
    from tests.factories import login

    _doctor, patient, encounter = visit
    pay(encounter, patient)
    threads.open_thread(encounter, patient.user)
    note = threads.post_message(encounter, patient.user, "", voice=b"OggS" + b"\0" * 200)
    db.session.commit()
    storage().delete(note.audio_key, calls.CHAT_FOLDER)
    login(client, patient.user)
    answer = client.get(f"/consults/{encounter.id}/chat/voice/{note.id}")
    assert answer.status_code == 404
