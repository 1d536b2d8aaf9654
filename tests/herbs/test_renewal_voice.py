"""A repeat prescription's update (续方) said in a voice note (语音留言): the words are then
optional, still required when there is no recording (the complaints' Chinese error beside the
field); the recording is checked from its header before anything is kept (not audio: refused
beside the voice field, no renewal, no visit, no file), kept with its tags stripped and audited,
and played on the renewal's visit page to the deciding doctor and the patient's side; another
patient or another doctor gets 404, other staff 403, a recording whose file is gone 404."""

import html
import io

import pytest
import sqlalchemy as sa

from herbs.models import PrescriptionRenewal
from herbs.services import renewals
from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.encounters import Encounter
from tcm_app.services.storage import storage
from tcm_app.services.voice_uploads import VOICE_FOLDER
from tests.external_rx.test_answer_voice import voice_files
from tests.factories import create_doctor, create_patient, create_pharmacist, login, png_bytes
from tests.herbs.test_renewals import dispensed
from tests.voice_samples import kept_sound_without_tags, tagged_wav


@pytest.mark.parametrize(
    "update, voice, refused",
    [
        ("咳嗽减轻，仍有鼻塞", None, None),
        ("", tagged_wav(), None),
        ("咳嗽减轻，仍有鼻塞", tagged_wav(), None),
        ("", None, "words_or_voice_required"),
        (" \n ", None, "words_or_voice_required"),
        (None, None, "words_or_voice_required"),
        ("很好" * 501, tagged_wav(), "update_too_long"),
    ],
    ids=[
        "a written update asks for a renewal",
        "a voice note alone asks for a renewal",
        "words and a voice note ask for a renewal",
        "neither is refused",
        "blank lines without a voice note are refused",
        "nothing at all is refused",
        "a voice note does not let the words run over 1000 characters",
    ],
)
def test_a_renewal_request_has_words_or_a_voice_note(app, update, voice, refused):
    rx = dispensed()
    if refused is None:
        renewal = renewals.request_renewal(rx.encounter.patient.user, rx, update, voice)
        assert renewal.status == "requested" and bool(renewal.audio_key) == (voice is not None)
        return
    with pytest.raises(ValidationError) as refusal:
        renewals.request_renewal(rx.encounter.patient.user, rx, update, voice)
    assert refusal.value.fields == {"update": [refused]}


def test_a_spoken_update_is_kept_stripped_and_audited(app):
    rx = dispensed()
    renewal = renewals.request_renewal(rx.encounter.patient.user, rx, "", tagged_wav())
    db.session.commit()
    assert renewal.update_text == "" and renewal.audio_mime == "audio/wav"
    assert kept_sound_without_tags(storage().read(renewal.audio_key, VOICE_FOLDER))
    # The visit it opened still has words for its record: they point to the voice note.
    assert renewal.encounter.chief_complaint == "续方：近况见语音留言。"
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_id == str(rx.id))
    ).all()
    assert {"prescription.renewal_request", "prescription.renewal_voice"} <= {
        entry.action for entry in entries
    }


def test_a_written_update_keeps_its_words_and_no_recording(app):
    rx = dispensed()
    renewal = renewals.request_renewal(rx.encounter.patient.user, rx, "好多了")
    db.session.commit()
    assert (renewal.update_text, renewal.audio_key) == ("好多了", None)
    assert renewal.encounter.chief_complaint == "好多了"


@pytest.mark.parametrize("update", ["", "好多了"], ids=["without words", "with words beside it"])
def test_a_photo_as_the_voice_note_is_refused_and_nothing_is_kept(app, update):
    rx = dispensed()
    with pytest.raises(ValidationError) as refused:
        renewals.request_renewal(rx.encounter.patient.user, rx, update, png_bytes())
    db.session.rollback()
    assert refused.value.fields == {"voice": ["unsupported_audio"]}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PrescriptionRenewal)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Encounter)) == 1  # rx's own
    assert voice_files() == []


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_renewal(client, rx_id: int, voice: bytes | None, update=""):
    data: dict = {"update": update}
    if voice is not None:
        data["voice"] = (io.BytesIO(voice), "update.wav")
    return client.post(
        f"/herbs/prescriptions/{rx_id}/renewal", data=data, content_type="multipart/form-data"
    )


def test_the_patient_says_it_and_the_doctor_plays_it(app, client):
    rx = dispensed()
    patient_user, doctor = rx.encounter.patient.user, rx.encounter.doctor
    login(client, patient_user)
    form = page(client.get(f"/herbs/prescriptions/{rx.id}"))
    assert 'enctype="multipart/form-data"' in form and "data-voice-recorder" in form
    refused = post_renewal(client, rx.id, png_bytes())
    assert refused.status_code == 422
    beside = page(refused).split('id="voice-error"')[1][:200]
    assert "无法播放此文件：请发送 WebM、Ogg、M4A、MP3 或 WAV 录音。" in beside
    neither = post_renewal(client, rx.id, None)
    assert neither.status_code == 422
    assert "请在此填写，或改为录一段语音。" in page(neither).split('id="update-error"')[1][:200]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PrescriptionRenewal)) == 0
    asked = post_renewal(client, rx.id, tagged_wav())
    assert asked.status_code == 302
    renewal = db.session.scalars(sa.select(PrescriptionRenewal)).one()
    src = f"/herbs/renewals/{renewal.id}/voice"
    assert src in page(client.get(asked.headers["Location"]))  # the patient hears it too
    client.post("/logout")
    login(client, doctor)
    visit = page(client.get(f"/encounters/{renewal.encounter_id}"))
    assert f'<audio class="renewal-voice" controls preload="none" src="{src}"' in visit
    played = client.get(src)
    assert played.status_code == 200 and played.mimetype == "audio/wav"
    assert kept_sound_without_tags(played.data)


def test_only_the_patients_side_and_the_deciding_doctor_play_it(app, client):
    rx = dispensed()
    spoken = renewals.request_renewal(rx.encounter.patient.user, rx, "", tagged_wav())
    stranger = create_patient(name="李四")
    other_doctor = create_doctor(username="doc-renewal-other")
    pharmacist = create_pharmacist(username="ph-renewal")
    db.session.commit()
    src = f"/herbs/renewals/{spoken.id}/voice"
    cases = [
        (rx.encounter.patient.user, 200),
        (rx.encounter.doctor, 200),
        (stranger.user, 404),
        (other_doctor, 404),
        (pharmacist, 403),
    ]
    for user, status in cases:
        login(client, user)
        assert client.get(src).status_code == status, user.username
        client.post("/logout")


def test_no_recording_or_a_missing_file_is_not_found(app, client):
    rx = dispensed()
    typed = renewals.request_renewal(rx.encounter.patient.user, rx, "好多了")
    db.session.commit()
    login(client, rx.encounter.patient.user)
    assert client.get(f"/herbs/renewals/{typed.id}/voice").status_code == 404
    renewals.decline(typed, rx.encounter.doctor, "请来院面诊")  # so it may be asked again
    spoken = renewals.request_renewal(rx.encounter.patient.user, rx, "", tagged_wav())
    db.session.commit()
    storage().delete(spoken.audio_key, VOICE_FOLDER)
    assert client.get(f"/herbs/renewals/{spoken.id}/voice").status_code == 404
    assert client.get("/herbs/renewals/999999/voice").status_code == 404
