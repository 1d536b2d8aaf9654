"""A voice note instead of typing in a follow-up questionnaire (语音留言): the patient sends it
with her answers; it is checked from its header before anything is kept (not audio, too large:
refused beside the field, the task still open), kept with its tags stripped through the storage
service, and played back to the doctor and the patient on the plan page; the photo and voice
routes each refuse the other's file, and other people get 404."""

import html
import io
import struct
import wave
from datetime import timedelta

import pytest
import sqlalchemy as sa

from followup.services import tasks
from tcm_app.common.errors import ValidationError
from tcm_app.common.voice_notes import MAX_VOICE_BYTES
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.services.storage import storage
from tests.factories import create_patient, login, png_bytes
from tests.followup.helpers import CALM, START, at_noon, herbal_plan, visit_with_prescription

PRIVATE = "王丽的手机".encode()
ANSWER_DAY = START + timedelta(days=3)


def tagged_wav() -> bytes:
    sound = io.BytesIO()
    with wave.open(sound, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(b"\x01\x02" * 800)
    plain = sound.getvalue()
    info = b"INFO" + b"IART" + struct.pack("<I", len(PRIVATE)) + PRIVATE
    listed = b"LIST" + struct.pack("<I", len(info)) + info
    body = plain[12:36] + listed + plain[36:]
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def plan(app):
    with at_noon(START):
        encounter, rx = visit_with_prescription()
        return herbal_plan(encounter, rx)


def post_answers(client, task, voice: bytes, name="voice.wav"):
    data = {**{k: str(v) for k, v in CALM.items()}, "voice": (io.BytesIO(voice), name)}
    return client.post(f"/followup/tasks/{task.id}", data=data, content_type="multipart/form-data")


@pytest.fixture
def on_answer_day():
    with at_noon(ANSWER_DAY):  # signed in and answering on the day the task is due
        yield


def test_the_service_keeps_the_voice_note_stripped_and_audited(plan):
    task = plan.tasks[0]
    with at_noon(ANSWER_DAY):
        tasks.answer(task, plan.patient.user, dict(CALM), "", tagged_wav())
    assert tasks.is_voice(task.photo) and task.photo.content_type == "audio/wav"
    kept = storage().read(task.photo.storage_key)
    assert PRIVATE not in kept and kept.startswith(b"RIFF") and task.status == "done"
    with wave.open(io.BytesIO(kept)) as sound:  # the sound stayed (the tag chunk has no pad byte)
        assert sound.readframes(800) == b"\x01\x02" * 800
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == "followup_task")
    ).all()
    assert "followup.voice" in actions


def test_the_patient_sends_a_voice_note_and_the_doctor_plays_it(client, plan, on_answer_day):
    task = plan.tasks[0]
    login(client, plan.patient.user)
    form = text(client.get(f"/followup/tasks/{task.id}"))
    assert 'enctype="multipart/form-data"' in form and "data-voice-recorder" in form
    assert "或者录一段语音告诉医生" in form and "voice-note.js" in form
    assert post_answers(client, task, tagged_wav()).status_code == 302

    login(client, plan.doctor)
    page = text(client.get(f"/followup/plans/{plan.id}"))
    source = f"/followup/tasks/{task.id}/voice"
    assert f'<audio class="fu-voice" controls preload="none" src="{source}"' in page
    played = client.get(source)
    assert played.status_code == 200 and played.mimetype == "audio/wav"
    assert played.data.startswith(b"RIFF") and PRIVATE not in played.data
    assert client.get(f"/followup/tasks/{task.id}/photo").status_code == 404


@pytest.mark.parametrize(
    ("voice", "code"),
    [
        pytest.param(png_bytes(), "unsupported_audio", id="a-photo-is-not-a-recording"),
        pytest.param(b"OggS" + bytes(MAX_VOICE_BYTES), "voice_too_large", id="over-3-mb"),
        pytest.param(b"", "empty_file", id="an-empty-recording"),
    ],
)
def test_the_service_refuses_a_bad_recording_and_keeps_nothing(plan, on_answer_day, voice, code):
    task = plan.tasks[0]
    with pytest.raises(ValidationError) as refused:
        tasks.answer(task, plan.patient.user, dict(CALM), "", voice)
    assert refused.value.fields == {"voice": [code]}
    assert task.status == "pending" and task.photo is None


def test_a_bad_recording_is_refused_beside_the_field(client, plan, on_answer_day):
    task = plan.tasks[0]
    login(client, plan.patient.user)
    refused = post_answers(client, task, png_bytes(), "voice.webm")
    assert refused.status_code == 422
    page = text(refused)
    field = page[page.index('name="voice"') :]
    assert "无法播放此文件：请发送 WebM、Ogg、M4A、MP3 或 WAV 录音。" in field[:600]
    db.session.refresh(task)
    assert task.status == "pending" and task.photo is None


def test_another_patient_cannot_hear_the_voice_note(client, plan, on_answer_day):
    task = plan.tasks[0]
    tasks.answer(task, plan.patient.user, dict(CALM), "", tagged_wav())
    stranger = create_patient(name="李四")
    db.session.commit()
    login(client, stranger.user)
    assert client.get(f"/followup/tasks/{task.id}/voice").status_code == 404


def test_a_task_without_a_voice_note_has_no_voice_route(client, plan, on_answer_day):
    login(client, plan.patient.user)
    assert client.get(f"/followup/tasks/{plan.tasks[0].id}/voice").status_code == 404
