"""The consult around the call: the patient's waiting room on the doctor's workbench, chat images
(validated, stripped, only for participants), and the timeline on the visit's record."""

import io
import re

import sqlalchemy as sa

from consults.models import ChatMessage
from consults.services import calls
from tcm_app.extensions import db
from tests.factories import create_patient, login, png_bytes


def test_waiting_patient_shows_on_the_workbench_and_the_doctor_starts(client, consult):
    login(client, consult.patient.user)
    page = client.get(f"/consults/{consult.id}/call")
    assert page.status_code == 200 and "ws://" in page.get_data(as_text=True)
    client.post("/logout")
    login(client, consult.doctor)
    workbench = client.get("/workbench").get_data(as_text=True)
    assert consult.patient.legal_name in workbench and f"/consults/{consult.id}/start" in workbench
    started = client.post(f"/consults/{consult.id}/start")
    assert started.status_code == 302 and started.headers["Location"].endswith("/call")


def test_chat_images_are_stored_clean_and_shown_only_to_participants(app, client, consult):
    login(client, consult.patient.user)
    response = client.post(
        f"/consults/{consult.id}/chat/images",
        data={"image": (io.BytesIO(png_bytes(60, 40)), "tongue.png")},
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    image_url = response.get_json()["image_url"]
    with client.get(image_url) as shown:
        assert shown.mimetype == "image/png" and shown.data.startswith(b"\x89PNG")
    refused = client.post(
        f"/consults/{consult.id}/chat/images",
        data={"image": (io.BytesIO(b"not an image"), "x.png")},
    )
    assert refused.status_code == 422
    client.post("/logout")
    login(client, create_patient(name="路人").user)
    assert client.get(image_url).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(ChatMessage.id))) == 1


def test_the_visit_record_shows_the_consult_timeline(app, client, consult):
    calls.start_call(consult, consult.doctor)
    connected = {"candidate_type": "relay", "rtt_ms": 87}
    calls.record_event(consult.id, consult.doctor_id, "connected", connected)
    calls.add_chat(consult.id, consult.patient.user, "舌头有点发白")
    calls.end_call(consult, consult.doctor)
    db.session.commit()
    login(client, consult.doctor)
    page = client.get(f"/encounters/{consult.id}").get_data(as_text=True)
    for expected in ("医生开始视频", "已接通", "舌头有点发白", "通话结束"):
        assert expected in page, expected
    # The connection route is a technical value: folded away for the doctor, never for the patient.
    folded = re.findall(
        r'<details class="technical"><summary>技术细节</summary>(.*?)</details>', page, re.S
    )
    assert "relay" in "".join(folded) and "87" in "".join(folded)
    assert "relay" not in re.sub(r"<details.*?</details>", "", page, flags=re.S)
    client.post("/logout")
    login(client, consult.patient.user)
    seen = client.get(f"/encounters/{consult.id}").get_data(as_text=True)
    assert "已接通" in seen and "relay" not in seen and "技术细节" not in seen


def test_chat_and_events_cannot_be_deleted(app, consult):
    calls.record_event(consult.id, consult.doctor_id, "joined")
    calls.add_chat(consult.id, consult.doctor, "留痕")
    db.session.commit()
    for table in ("consult_events", "consult_chat_messages"):
        try:
            db.session.execute(sa.text(f"DELETE FROM {table}"))
            db.session.flush()
            raise AssertionError(f"{table} rows were deleted")
        except sa.exc.DatabaseError:
            db.session.rollback()


def test_a_guardian_joins_for_a_small_child(app):
    from tests.factories import create_child, create_encounter

    mother = create_patient(name="王丽")
    child = create_child(mother, years=4)
    encounter = create_encounter(patient=child, kind="online_consultation")
    assert mother.user_id in calls.participant_ids(encounter)


def test_recording_needs_the_setting_and_the_patients_consent(app, client, consult):
    login(client, consult.doctor)
    webm = b"\x1a\x45\xdf\xa3" + b"\x00" * 64
    refused = client.post(f"/consults/{consult.id}/recording?first=1", data=webm)
    assert refused.status_code == 409  # no consent yet
    client.post("/logout")
    login(client, consult.patient.user)
    client.post(f"/consults/{consult.id}/recording-consent", data={"consent": "yes"})
    db.session.expire_all()
    assert consult.call is None or consult.call.recording_consent_at is None  # setting is off
    app.config["CONSULT_RECORDING_ENABLED"] = True
    client.post(f"/consults/{consult.id}/recording-consent", data={"consent": "yes"})
    client.post("/logout")
    login(client, consult.doctor)
    not_webm = client.post(f"/consults/{consult.id}/recording?first=1", data=b"GIF89a")
    assert not_webm.status_code == 422
    stored = client.post(f"/consults/{consult.id}/recording?first=1", data=webm)
    assert stored.status_code == 200 and stored.get_json()["size_bytes"] == len(webm)
    more = client.post(f"/consults/{consult.id}/recording", data=b"\x01" * 10)
    assert more.get_json()["size_bytes"] == len(webm) + 10
