"""The patient's answer to the pharmacist said in a voice note (语音留言) instead of typed: the
recording is checked from its header before anything changes (not audio: refused beside the
voice field, the question still open, no file written), kept with its tags stripped and audited,
and played to the pharmacist (and the patient's side) with its stored type; other patients get
404, other roles 403, a message without a recording (or whose file is gone) 404."""

import html
import io

import pytest
import sqlalchemy as sa

from external_rx import review_rules
from external_rx.services import review
from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.services.storage import storage
from tcm_app.services.voice_uploads import VOICE_FOLDER
from tests.external_rx.test_review import TODAY, at, sent
from tests.factories import create_doctor, create_patient, create_pharmacist, login, png_bytes
from tests.voice_samples import kept_sound_without_tags, tagged_wav


def voice_files() -> list:
    folder = storage().local_path("probe", VOICE_FOLDER).parent
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def asked(app):
    """A patient's outside prescription with the pharmacist's question waiting for her."""
    patient = create_patient()
    pharmacist = create_pharmacist(username="ph-voice")
    db.session.commit()
    with at(TODAY, 2):
        submission = sent(patient)
        review.ask(submission, pharmacist, "第二页看不清，请说明剂量。")
        db.session.commit()
    return submission, patient, pharmacist


@pytest.mark.parametrize(
    "text, has_voice, problem",
    [
        ("党参九克", False, None),
        ("", True, None),
        ("好", True, None),
        ("党参九克", True, None),
        ("", False, "words_or_voice_required"),
        ("   ", False, "words_or_voice_required"),
        ("好", False, "words_or_voice_required"),
        ("长" * 501, True, "external_message_too_long"),
    ],
    ids=[
        "words alone answer",
        "a voice note alone answers",
        "a voice note with one character answers",
        "words and a voice note answer",
        "neither is refused",
        "blanks without a voice note are refused",
        "one character without a voice note is refused",
        "a voice note does not excuse words that are too long",
    ],
)
def test_an_answer_has_words_or_a_voice_note(text, has_voice, problem):
    assert review_rules.answer_problem(text, has_voice) == problem


def test_a_voice_answer_is_kept_stripped_and_audited(asked):
    submission, patient, _ = asked
    with at(TODAY, 3):
        review.answer(submission, patient.user, "", tagged_wav())
        db.session.commit()
    answer = submission.messages[-1]
    assert submission.status == "waiting" and answer.body == ""
    assert answer.audio_mime == "audio/wav"
    kept = storage().read(answer.audio_key, VOICE_FOLDER)
    assert kept_sound_without_tags(kept)
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_id == str(submission.id))
    ).all()
    assert {"external.answer", "external.answer_voice"} <= set(actions)


def test_a_photo_sent_as_the_voice_note_is_refused_and_nothing_is_kept(asked):
    submission, patient, _ = asked
    with at(TODAY, 3), pytest.raises(ValidationError) as refused:
        review.answer(submission, patient.user, "", png_bytes())
    db.session.rollback()
    assert refused.value.fields == {"voice": ["unsupported_audio"]}
    assert submission.status == "questions" and len(submission.messages) == 1
    assert voice_files() == []


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_answer(client, submission, voice: bytes, text=""):
    data = {"text": text, "voice": (io.BytesIO(voice), "answer.wav")}
    return client.post(
        f"/external_rx/{submission.id}/answer", data=data, content_type="multipart/form-data"
    )


def test_the_patient_answers_by_voice_and_the_pharmacist_plays_it(asked, client):
    submission, patient, pharmacist = asked
    login(client, patient.user)
    form = page(client.get(f"/external_rx/{submission.id}"))
    assert 'enctype="multipart/form-data"' in form and 'name="voice"' in form
    refused = post_answer(client, submission, png_bytes())
    assert refused.status_code == 422
    beside = page(refused).split('id="voice-error"')[1][:200]  # the voice field's own error
    assert "无法播放此文件：请发送 WebM、Ogg、M4A、MP3 或 WAV 录音。" in beside
    assert post_answer(client, submission, tagged_wav()).status_code == 302
    client.post("/logout")
    login(client, pharmacist)
    shown = page(client.get(f"/external_rx/{submission.id}"))
    message_id = submission.messages[-1].id
    src = f"/external_rx/{submission.id}/messages/{message_id}/voice"
    assert f'<audio class="ext-voice" controls preload="none" src="{src}"' in shown
    played = client.get(src)
    assert played.status_code == 200 and played.mimetype == "audio/wav"
    assert kept_sound_without_tags(played.data)


def test_only_the_patients_side_and_pharmacists_may_play_it(asked, client):
    submission, patient, _ = asked
    with at(TODAY, 3):
        review.answer(submission, patient.user, "", tagged_wav())
        db.session.commit()
    question, answer = submission.messages
    src = f"/external_rx/{submission.id}/messages/{answer.id}/voice"
    login(client, patient.user)
    assert client.get(src).status_code == 200
    no_voice = f"/external_rx/{submission.id}/messages/{question.id}/voice"
    assert client.get(no_voice).status_code == 404  # the question was typed
    assert client.get(f"/external_rx/{submission.id}/messages/999999/voice").status_code == 404
    client.post("/logout")
    stranger = create_patient(name="李四")
    doctor = create_doctor(username="doc-voice")
    db.session.commit()
    login(client, stranger.user)
    assert client.get(src).status_code == 404
    client.post("/logout")
    login(client, doctor)
    assert client.get(src).status_code == 403


def test_a_recording_whose_file_is_gone_is_404_not_500(asked, client):
    submission, patient, pharmacist = asked
    with at(TODAY, 3):
        review.answer(submission, patient.user, "", tagged_wav())
        db.session.commit()
    answer = submission.messages[-1]
    storage().delete(answer.audio_key, VOICE_FOLDER)
    login(client, pharmacist)
    assert client.get(f"/external_rx/{submission.id}/messages/{answer.id}/voice").status_code == 404
