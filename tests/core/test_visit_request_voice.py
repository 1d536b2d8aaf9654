"""The chief complaint of a visit request also said in a voice note (语音留言): the written words
stay required (the record's 主诉); the recording is checked from its header before anything is
kept (not audio: refused beside the voice field, no visit, no file), kept with its tags stripped
and audited, and played on the visit page to the treating doctor and the patient's side; another
patient or another doctor gets 404, the desk 403. The API takes it as a multipart part "voice",
a bad one answered {"error": {"code", "message"}} 422."""

import html
import io

import pytest
import sqlalchemy as sa

from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.audit import AuditEntry
from tcm_app.models.encounters import Encounter
from tcm_app.services import encounters
from tcm_app.services.clock import clinic_today
from tcm_app.services.storage import storage
from tcm_app.services.voice_uploads import VOICE_FOLDER
from tests.api.helpers import API, api_error, issue
from tests.external_rx.test_answer_voice import voice_files
from tests.factories import create_doctor, create_patient, create_user, login, png_bytes
from tests.voice_samples import kept_sound_without_tags, tagged_wav

COMPLAINT = "胃脘隐痛三月，复诊"


@pytest.fixture
def people(app):
    patient, doctor = create_patient(), create_doctor(online=True, username="dr-voice")
    db.session.commit()
    return patient, doctor


def request(patient, doctor, voice, complaint=COMPLAINT):
    return encounters.request_encounter(
        patient.user, patient, doctor, "online_followup", complaint, clinic_today(), voice
    )


def count_visits() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Encounter))


def test_a_spoken_chief_complaint_is_kept_stripped_and_audited(people):
    visit = request(*people, tagged_wav())
    db.session.commit()
    assert visit.complaint_audio_mime == "audio/wav" and visit.chief_complaint == COMPLAINT
    assert kept_sound_without_tags(storage().read(visit.complaint_audio_key, VOICE_FOLDER))
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_id == str(visit.id))
    ).all()
    assert {"encounter.request", "encounter.complaint_voice"} <= set(actions)


@pytest.mark.parametrize(
    "voice, complaint, field",
    [(png_bytes(), COMPLAINT, "voice"), (b"", COMPLAINT, "voice"),
     (tagged_wav(), "", "chief_complaint")],
    ids=["a photo as the voice note is refused beside the voice field",
         "an empty recording is refused beside the voice field",
         "a voice note does not replace the written chief complaint"],
)  # fmt: skip
def test_a_refused_request_keeps_nothing(people, voice, complaint, field):
    with pytest.raises(ValidationError) as refused:
        request(*people, voice, complaint)
    db.session.rollback()
    assert list(refused.value.fields) == [field]
    assert count_visits() == 0 and voice_files() == []


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_request(client, patient, doctor, voice: bytes):
    data = {
        "patient_id": str(patient.id), "kind": "online_followup", "doctor_id": str(doctor.id),
        "chief_complaint": COMPLAINT, "voice": (io.BytesIO(voice), "complaint.wav"),
    }  # fmt: skip
    return client.post("/me/visits/new", data=data, content_type="multipart/form-data")


def test_the_patient_says_it_and_the_doctor_plays_it(people, client):
    patient, doctor = people
    login(client, patient.user)
    form = page(client.get("/me/visits/new"))
    assert 'enctype="multipart/form-data"' in form and "data-voice-recorder" in form
    refused = post_request(client, patient, doctor, png_bytes())
    assert refused.status_code == 422 and count_visits() == 0
    beside = page(refused).split('id="voice-error"')[1][:200]
    assert "无法播放此文件：请发送 WebM、Ogg、M4A、MP3 或 WAV 录音。" in beside
    assert post_request(client, patient, doctor, tagged_wav()).status_code == 302
    visit = db.session.scalars(sa.select(Encounter)).one()
    src = f"/encounters/{visit.id}/complaint-voice"
    client.post("/logout")
    login(client, doctor)
    shown = page(client.get(f"/encounters/{visit.id}"))
    assert f'<audio class="complaint-voice" controls preload="none" src="{src}"' in shown
    played = client.get(src)
    assert played.status_code == 200 and played.mimetype == "audio/wav"
    assert kept_sound_without_tags(played.data)


def test_only_the_patients_side_and_the_treating_doctor_may_play_it(people, client):
    patient, doctor = people
    visit = request(patient, doctor, tagged_wav())
    typed = request(patient, doctor, None)
    stranger = create_patient(name="李四")
    other_doctor = create_doctor(username="dr-other-visit")
    desk = create_user(Role.CLINIC, username="desk-visit")
    db.session.commit()
    src = f"/encounters/{visit.id}/complaint-voice"
    login(client, patient.user)
    assert client.get(src).status_code == 200
    assert client.get(f"/encounters/{typed.id}/complaint-voice").status_code == 404
    for other, status in ((stranger.user, 404), (other_doctor, 404), (desk, 403)):
        client.post("/logout")
        login(client, other)
        assert client.get(src).status_code == status, other.role


def api_request(client, headers, patient, doctor, voice: bytes | None, **change):
    data = {"patient_id": str(patient.id), "doctor_id": str(doctor.id),
            "kind": "online_followup", "chief_complaint": COMPLAINT, **change}  # fmt: skip
    if voice is not None:
        data["voice"] = (io.BytesIO(voice), "complaint.wav")
    return client.post(
        f"{API}/encounters", data=data, headers=headers, content_type="multipart/form-data"
    )


def test_the_api_takes_the_voice_note_as_a_multipart_part(people, client):
    patient, doctor = people
    headers, _ = issue(patient.user)
    created = api_request(client, headers, patient, doctor, tagged_wav())
    assert created.status_code == 201, created.get_data(as_text=True)
    visit = db.session.get(Encounter, created.get_json()["id"])
    assert visit.complaint_audio_mime == "audio/wav"
    plain = api_request(client, headers, patient, doctor, None)
    assert plain.status_code == 201


@pytest.mark.parametrize(
    "voice, change, code",
    [(png_bytes(), {}, "unsupported_audio"), (b"", {}, "empty_file"),
     (tagged_wav(), {"patient_id": "me"}, "invalid"),
     (tagged_wav(), {"chief_complaint": ""}, "invalid")],
    ids=["a photo as the voice part", "an empty voice part", "a patient id that is no number",
         "no chief complaint beside the voice part"],
)  # fmt: skip
def test_a_bad_multipart_request_is_a_json_422_and_keeps_nothing(
    people, client, voice, change, code
):
    patient, doctor = people
    headers, _ = issue(patient.user)
    refused = api_request(client, headers, patient, doctor, voice, **change)
    error = api_error(refused, 422, code)
    assert error["message"]
    assert count_visits() == 0 and voice_files() == []


def test_a_multipart_part_without_a_name_is_a_json_422_not_a_server_error(people, client):
    """A part whose Content-Disposition names no field (found by the API fuzzer: its key is None,
    which the error body could not even be written with)."""
    patient, doctor = people
    headers, _ = issue(patient.user)
    body = (
        b"".join(
            b"--B\r\nContent-Disposition: form-data" + name + b"\r\n\r\n" + value + b"\r\n"
            for name, value in [
                (b"", b"x"),
                (b'; name="patient_id"', str(patient.id).encode()),
                (b'; name="doctor_id"', str(doctor.id).encode()),
                (b'; name="kind"', b"online_followup"),
                (b'; name="chief_complaint"', COMPLAINT.encode()),
            ]
        )
        + b"--B--\r\n"
    )
    refused = client.post(
        f"{API}/encounters", data=body, headers=headers,
        content_type="multipart/form-data; boundary=B",
    )  # fmt: skip
    error = api_error(refused, 422, "invalid")
    assert error["fields"] == {"form": ["unnamed_part"]}
    assert count_visits() == 0
