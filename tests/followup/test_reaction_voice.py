"""An adverse reaction report with a voice note (语音留言): the patient says what happened as well
as writing it (the written description stays required: it goes to the monitoring system); the
recording is checked from its header before anything is kept (not audio: refused beside the
voice field, no report, no file), kept with its tags stripped and audited, and played on the
report's page to those who read it (the pharmacists, the prescribing doctor); another patient or
another doctor gets 404, a role that reads no reports 403."""

import html
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from followup.models import AdverseReaction
from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.audit import AuditEntry
from tcm_app.services.storage import storage
from tcm_app.services.voice_uploads import VOICE_FOLDER
from tests.external_rx.test_answer_voice import voice_files
from tests.factories import create_doctor, create_patient, create_user, login, png_bytes
from tests.followup.helpers import START, at_noon, visit_with_prescription
from tests.followup.test_adverse_reactions import report
from tests.voice_samples import kept_sound_without_tags, tagged_wav

NEXT_DAY = START + timedelta(days=1)


@pytest.fixture
def rx(app):
    with at_noon(START):
        _, rx = visit_with_prescription()
        return rx


def test_a_report_with_a_voice_note_keeps_it_stripped_and_audited(rx):
    with at_noon(NEXT_DAY):
        reaction = report(rx.patient.user, rx, voice=tagged_wav())
        db.session.commit()
    assert reaction.audio_mime == "audio/wav"
    kept = storage().read(reaction.audio_key, VOICE_FOLDER)
    assert kept_sound_without_tags(kept)
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == "adverse_reaction")
    ).all()
    assert {"followup.reaction", "followup.reaction_voice"} <= set(actions)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"voice": png_bytes()}, "voice"),
        ({"voice": b""}, "voice"),
        ({"voice": tagged_wav(), "description": ""}, "description"),
    ],
    ids=[
        "a photo as the voice note is refused beside the voice field",
        "an empty recording is refused beside the voice field",
        "a voice note does not replace the written description",
    ],
)
def test_a_refused_report_keeps_nothing(rx, change, field):
    with at_noon(NEXT_DAY), pytest.raises(ValidationError) as refused:
        report(rx.patient.user, rx, **change)
    db.session.rollback()
    assert list(refused.value.fields) == [field]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AdverseReaction)) == 0
    assert voice_files() == []


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_report(client, rx, voice: bytes):
    data = {
        "prescription_id": str(rx.id), "onset_on": NEXT_DAY.isoformat(), "severity": "mild",
        "description": "服药后大便偏稀，每日两次", "voice": (io.BytesIO(voice), "reaction.wav"),
    }  # fmt: skip
    return client.post("/followup/reactions/new", data=data, content_type="multipart/form-data")


def test_the_patient_says_it_and_the_pharmacist_and_doctor_play_it(client, rx):
    with at_noon(NEXT_DAY):
        login(client, rx.patient.user)
        form = page(client.get(f"/followup/reactions/new?prescription_id={rx.id}"))
        assert 'enctype="multipart/form-data"' in form and "data-voice-recorder" in form
        refused = post_report(client, rx, png_bytes())
        assert refused.status_code == 422
        beside = page(refused).split('id="voice-error"')[1][:200]
        assert "无法播放此文件：请发送 WebM、Ogg、M4A、MP3 或 WAV 录音。" in beside
        assert post_report(client, rx, tagged_wav()).status_code == 302
        reaction = db.session.scalars(sa.select(AdverseReaction)).one()
        src = f"/followup/reactions/{reaction.id}/voice"
        for reader in (rx.reviewed_by, rx.doctor):
            client.post("/logout")
            login(client, reader)
            shown = page(client.get(f"/followup/reactions/{reaction.id}"))
            assert f'<audio class="fu-voice" controls preload="none" src="{src}"' in shown
            played = client.get(src)
            assert played.status_code == 200 and played.mimetype == "audio/wav"
            assert kept_sound_without_tags(played.data)


def test_others_may_not_play_it(client, rx):
    with at_noon(NEXT_DAY):
        reaction = report(rx.patient.user, rx, voice=tagged_wav())
        written = report(rx.patient.user, rx)
        stranger = create_patient(name="李四")
        other_doctor = create_doctor(username="dr-other-voice")
        admin = create_user(Role.ADMIN, username="admin-voice")
        db.session.commit()
        src = f"/followup/reactions/{reaction.id}/voice"
        login(client, rx.patient.user)
        assert client.get(src).status_code == 200
        assert client.get(f"/followup/reactions/{written.id}/voice").status_code == 404
        for other, status in ((stranger.user, 404), (other_doctor, 404), (admin, 403)):
            client.post("/logout")
            login(client, other)
            assert client.get(src).status_code == status, other.role
