"""The inbox: the pharmacist's review reaches the patient (or the guardian) and, on a return, the
doctor; a message opens to its link and counts as read; nobody reads another's messages."""

import pytest
import sqlalchemy as sa

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.inbox import InboxMessage
from tcm_app.services import encounters, inbox
from tests.factories import (
    approved_prescription,
    create_child,
    create_patient,
    create_prescribable_encounter,
    create_user,
    login,
)


def reviewed(approve=True, patient=None):
    encounter = create_prescribable_encounter(patient=patient)
    if patient is not None and patient.guardian is not None:
        encounters.set_guardian_present(encounter, encounter.doctor, True)
    note = "" if approve else "剂量请核对"
    lines = (("甘草", 6),)
    return approved_prescription(
        lines, 7, "每日1剂", encounter=encounter, approve=approve, note=note
    )


def test_an_approved_prescription_is_posted_to_the_patient_with_its_link(app):
    rx = reviewed()
    [message] = inbox.messages_for(rx.patient.user)
    assert message.kind == "prescription.approved" and "已通过药师审核" in message.text
    assert message.link == f"/herbs/prescriptions/{rx.id}" and message.unread
    assert message.delivery == {"log": "logged"}  # pushed through the default sender
    assert inbox.messages_for(rx.doctor) == []


def test_a_returned_prescription_is_posted_to_the_patient_and_the_doctor(app):
    rx = reviewed(approve=False)
    [to_patient] = inbox.messages_for(rx.patient.user)
    [to_doctor] = inbox.messages_for(rx.doctor)
    assert to_patient.kind == to_doctor.kind == "prescription.returned"
    assert "退回" in to_patient.text and "剂量请核对" in to_doctor.text


def test_a_guardian_reads_the_messages_about_their_ward(app):
    guardian = create_patient(name="王丽")
    child = create_child(guardian)
    reviewed(patient=child)
    [message] = inbox.messages_for(guardian.user)
    assert message.patient_id == child.id
    client = app.test_client()
    login(client, guardian.user)
    assert "王小明" in client.get("/inbox").get_data(as_text=True)


def unread_badge(page: str) -> str | None:
    marker = 'class="badge badge-count"'
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_opening_a_message_marks_it_read_and_follows_its_link(app, client):
    rx = reviewed()
    login(client, rx.patient.user)
    assert unread_badge(client.get("/inbox").get_data(as_text=True)) == "1"
    message = inbox.messages_for(rx.patient.user)[0]
    response = client.post(f"/inbox/{message.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/herbs/prescriptions/{rx.id}"
    first_read = db.session.get(InboxMessage, message.id).read_at
    assert first_read is not None
    assert unread_badge(client.get("/inbox").get_data(as_text=True)) is None
    client.post(f"/inbox/{message.id}/open")
    db.session.expire_all()
    assert db.session.get(InboxMessage, message.id).read_at == first_read


@pytest.mark.parametrize("reader", ["other_patient", "doctor", "pharmacist"])
def test_another_users_message_is_not_found(app, reader):
    rx = reviewed()
    message = inbox.messages_for(rx.patient.user)[0]
    users = {
        "other_patient": create_patient(name="李四").user,
        "doctor": rx.doctor,
        "pharmacist": create_user(Role.PHARMACIST, username="other-pharmacist"),
    }
    db.session.commit()
    client = app.test_client()
    login(client, users[reader])
    assert client.post(f"/inbox/{message.id}/open").status_code == 404
    assert "已通过药师审核" not in client.get("/inbox").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(InboxMessage, message.id).read_at is None


def test_the_inbox_lists_newest_first(app, client):
    patient = create_patient()
    for n in range(3):
        inbox.post(patient.user, "test", f"第{n}条消息")
    db.session.commit()
    login(client, patient.user)
    page = client.get("/inbox").get_data(as_text=True)
    assert page.index("第2条消息") < page.index("第1条消息") < page.index("第0条消息")


def test_staff_see_their_messages_on_their_home_page(app, client):
    rx = reviewed(approve=False)
    login(client, rx.doctor)
    page = client.get("/workbench").get_data(as_text=True)
    assert "剂量请核对" in page and 'id="inbox-panel-title"' in page
    pharmacist = create_user(Role.PHARMACIST, username="home-pharmacist")
    inbox.post(pharmacist, "test", "请复核今日处方")
    db.session.commit()
    other = app.test_client()
    login(other, pharmacist)
    assert "请复核今日处方" in other.get("/staff").get_data(as_text=True)


def test_messages_are_never_deleted(app):
    rx = reviewed()
    message = inbox.messages_for(rx.patient.user)[0]
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.delete(InboxMessage).where(InboxMessage.id == message.id))
        db.session.flush()
    db.session.rollback()


def test_a_page_with_the_inbox_panel_counts_the_unread_messages_once(app, client):
    rx = reviewed(approve=False)
    counts = []

    def count_unread(conn, cursor, statement, *_args):
        if "inbox_messages" in statement and "read_at IS NULL" in statement:
            counts.append(statement)

    login(client, rx.doctor)
    sa.event.listen(db.engine, "before_cursor_execute", count_unread)
    try:
        page = client.get("/workbench").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count_unread)
    assert len(counts) == 1  # the navigation's badge and the panel's share it
    assert page.count("1条未读") == 2  # both show it
