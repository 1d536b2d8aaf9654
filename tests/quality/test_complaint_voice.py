"""A complaint said in a voice note (语音留言): the words are then optional, still required when
there is no recording; the recording is checked from its header before anything is kept (not
audio: refused beside the voice field, no complaint, no file), kept with its tags stripped and
audited, and played on the complaint's pages to the quality office and the patient's side (a
guardian's account for its ward); another patient gets 404, other staff 403."""

import html
import io

import pytest
import sqlalchemy as sa

from quality.models import Complaint
from quality.services import complaints
from tcm_app.common.errors import ValidationError
from tcm_app.common.voice_notes import words_or_voice_problem
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.services import family_proxies
from tcm_app.services.storage import storage
from tcm_app.services.voice_uploads import VOICE_FOLDER
from tests.external_rx.test_answer_voice import voice_files
from tests.factories import create_child, create_doctor, create_patient, login, png_bytes
from tests.quality.helpers import quality_officer
from tests.voice_samples import kept_sound_without_tags, tagged_wav


@pytest.mark.parametrize(
    "text, has_voice, problem",
    [
        ("药品配送太慢", False, None),
        ("", True, None),
        ("药品配送太慢", True, None),
        ("", False, "words_or_voice_required"),
        (" \n ", False, "words_or_voice_required"),
        (None, False, "words_or_voice_required"),
    ],
    ids=[
        "words alone are a complaint",
        "a voice note alone is a complaint",
        "words and a voice note are a complaint",
        "neither is refused",
        "blank lines without a voice note are refused",
        "nothing at all is refused",
    ],
)
def test_a_complaint_has_words_or_a_voice_note(text, has_voice, problem):
    assert words_or_voice_problem(text, has_voice) == problem


def test_a_spoken_complaint_is_kept_stripped_and_audited(app):
    patient = create_patient()
    complaint = complaints.file(patient.user, patient.id, "", "", tagged_wav())
    db.session.commit()
    assert complaint.text == "" and complaint.audio_mime == "audio/wav"
    kept = storage().read(complaint.audio_key, VOICE_FOLDER)
    assert kept_sound_without_tags(kept)
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == "quality_complaint")
    ).all()
    assert {"quality.complaint_file", "quality.complaint_voice"} <= set(actions)


@pytest.mark.parametrize(
    "text", ["", "药品配送太慢"], ids=["without words", "with words beside it"]
)
def test_a_photo_as_the_voice_note_is_refused_and_nothing_is_kept(app, text):
    patient = create_patient()
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        complaints.file(patient.user, patient.id, "", text, png_bytes())
    db.session.rollback()
    assert refused.value.fields == {"voice": ["unsupported_audio"]}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0
    assert voice_files() == []


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_complaint(client, patient_id: int, voice: bytes, text=""):
    data = {"patient_id": str(patient_id), "about": "", "text": text,
            "voice": (io.BytesIO(voice), "complaint.wav")}  # fmt: skip
    return client.post("/quality/complaints/new", data=data, content_type="multipart/form-data")


def test_the_patient_says_it_and_the_quality_office_plays_it(app, client):
    patient = create_patient()
    officer = quality_officer()
    db.session.commit()
    login(client, patient.user)
    form = page(client.get("/quality/complaints/new"))
    assert 'enctype="multipart/form-data"' in form and "data-voice-recorder" in form
    refused = post_complaint(client, patient.id, png_bytes())
    assert refused.status_code == 422
    beside = page(refused).split('id="voice-error"')[1][:200]
    assert "无法播放此文件：请发送 WebM、Ogg、M4A、MP3 或 WAV 录音。" in beside
    neither = client.post("/quality/complaints/new", data={"patient_id": str(patient.id)})
    assert "请在此填写，或改为录一段语音。" in page(neither).split('id="text-error"')[1][:200]
    filed = post_complaint(client, patient.id, tagged_wav())
    assert filed.status_code == 302
    complaint = db.session.scalars(sa.select(Complaint)).one()
    src = f"/quality/complaints/{complaint.id}/voice"
    assert src in page(client.get(filed.headers["Location"]))  # the patient hears it too
    client.post("/logout")
    login(client, officer)
    desk = page(client.get("/quality/"))  # the desk names a wordless complaint
    assert f'/quality/complaints/{complaint.id}/handle">语音留言</a>' in desk
    handle = page(client.get(f"/quality/complaints/{complaint.id}/handle"))
    assert f'<audio class="quality-voice" controls preload="none" src="{src}"' in handle
    played = client.get(src)
    assert played.status_code == 200 and played.mimetype == "audio/wav"
    assert kept_sound_without_tags(played.data)


def test_a_guardian_plays_the_wards_and_no_one_else_may(app, client):
    guardian = create_patient()
    child = create_child(guardian)
    complaint = complaints.file(guardian.user, child.id, "", "", tagged_wav())
    typed = complaints.file(guardian.user, guardian.id, "", "药品配送太慢")
    stranger = create_patient(name="李四")
    doctor = create_doctor(username="doc-complaint")
    db.session.commit()
    src = f"/quality/complaints/{complaint.id}/voice"
    login(client, guardian.user)
    assert client.get(src).status_code == 200
    assert client.get(f"/quality/complaints/{typed.id}/voice").status_code == 404
    client.post("/logout")
    login(client, stranger.user)
    assert client.get(src).status_code == 404
    client.post("/logout")
    login(client, doctor)
    assert client.get(src).status_code == 403


def test_a_family_proxy_plays_the_elders_until_the_consent_is_revoked(app, client):
    """家人代办: the son the elder consented to acts for her (own_patient_ids), and no longer."""
    elder = create_patient(name="李奶奶")
    son = create_patient(name="李建国")
    son.user.username = "jianguo"
    db.session.commit()
    consent = family_proxies.grant(elder, "jianguo", "李建国", "family_child", True, elder.user)
    complaint = complaints.file(son.user, elder.id, "", "", tagged_wav())  # filed for her
    db.session.commit()
    src = f"/quality/complaints/{complaint.id}/voice"
    login(client, son.user)
    assert client.get(src).status_code == 200
    family_proxies.revoke(elder, consent.id, elder.user)
    db.session.commit()
    assert client.get(src).status_code == 404
