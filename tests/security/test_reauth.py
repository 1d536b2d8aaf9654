"""Doctors and pharmacists prove their login password again before a video consult and before
signing when their last proof (the sign-in, or the last re-authentication) is older than
REAUTH_MINUTES. A stale GET goes to /reauth and comes back; a stale POST does nothing and goes to
/reauth, then back to the page that holds its form (which checks on its own GET, so a form is
filled in only after a fresh proof). A wrong password there counts as a failed sign-in."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
import time_machine

from herbs.models import Prescription, PrescriptionStatus
from herbs.services import prescriptions
from tcm_app.app import create_app
from tcm_app.config import ConfigError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.audit import AuditEntry
from tests.core.test_config import SAFE
from tests.factories import (
    PASSWORD,
    SIGNING_PASSWORD,
    create_pharmacist,
    create_prescribable_encounter,
    login,
)

START = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)
STALE = timedelta(minutes=31)  # REAUTH_MINUTES is 30 by default
FRESH = timedelta(minutes=29)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(app, clock):
    encounter = create_prescribable_encounter()
    doctor = encounter.doctor
    draft = prescriptions.open_draft(encounter, doctor)
    prescriptions.save_draft(draft, doctor, [{"name": "甘草", "dose_g": 6}], 7, "每日1剂")
    second = create_prescribable_encounter(patient=encounter.patient, doctor=doctor)
    signed = prescriptions.open_draft(second, doctor)
    prescriptions.save_draft(signed, doctor, [{"name": "甘草", "dose_g": 6}], 7, "每日1剂")
    prescriptions.sign(signed, doctor, SIGNING_PASSWORD, {})
    pharmacist = create_pharmacist()
    db.session.commit()
    return {
        "doctor": doctor,
        "pharmacist": pharmacist,
        "patient": encounter.patient.user,
        "encounter_id": encounter.id,
        "draft_id": draft.id,
        "signed_id": signed.id,
    }


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def reauth_target(response) -> str | None:
    """The `next` of a redirect to /reauth, or None when the answer is not one."""
    location = response.headers.get("Location", "")
    parts = urlsplit(location)
    if response.status_code != 302 or parts.path != "/reauth":
        return None
    return parse_qs(parts.query)["next"][0]


# (who, method, path, data, where /reauth sends them back)
GUARDED = [
    pytest.param(
        "doctor", "GET", "/consults/{encounter_id}/call", None, "/consults/{encounter_id}/call",
        id="doctor-opens-the-video-call",
    ),
    pytest.param(
        "doctor", "POST", "/consults/{encounter_id}/start", {}, "/encounters/{encounter_id}",
        id="doctor-starts-the-video-consult",
    ),
    pytest.param(
        "doctor", "GET", "/herbs/prescriptions/{draft_id}/edit", None,
        "/herbs/prescriptions/{draft_id}/edit",
        id="doctor-opens-the-editor-that-holds-the-sign-form",
    ),
    pytest.param(
        "doctor", "POST", "/herbs/prescriptions/{draft_id}/sign",
        {"signing_password": SIGNING_PASSWORD, "version": "1"},
        "/herbs/prescriptions/{draft_id}/edit",
        id="doctor-signs",
    ),
    pytest.param(
        "pharmacist", "GET", "/herbs/prescriptions/{signed_id}", None,
        "/herbs/prescriptions/{signed_id}",
        id="pharmacist-opens-the-page-that-holds-the-review-form",
    ),
    pytest.param(
        "pharmacist", "POST", "/herbs/prescriptions/{signed_id}/review",
        {"decision": "approve", "note": "", "signing_password": SIGNING_PASSWORD},
        "/herbs/prescriptions/{signed_id}",
        id="pharmacist-reviews",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("who", "method", "path", "data", "back"), GUARDED)
def test_a_stale_sign_in_is_sent_to_reauth_and_nothing_is_done(
    app, world, clock, who, method, path, data, back
):
    client = signed_in(app, world[who])
    clock.shift(STALE)
    audit_before = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    response = client.open(path.format(**world), method=method, data=data)
    assert reauth_target(response) == back.format(**world)
    db.session.expire_all()
    actions = db.session.scalars(sa.select(AuditEntry.action).offset(audit_before)).all()
    assert not [a for a in actions if a.startswith(("consult.", "prescription."))]
    assert db.session.get(Prescription, world["signed_id"]).status == (
        PrescriptionStatus.PENDING_REVIEW
    )


@pytest.mark.parametrize(("who", "method", "path", "data", "back"), GUARDED)
def test_a_fresh_sign_in_goes_straight_through(app, world, clock, who, method, path, data, back):
    client = signed_in(app, world[who])
    clock.shift(FRESH)
    response = client.open(path.format(**world), method=method, data=data)
    assert reauth_target(response) is None


@pytest.mark.parametrize(
    ("who", "path"),
    [
        pytest.param(
            "doctor", "/herbs/prescriptions/{signed_id}", id="doctor-reads-a-prescription"
        ),
        pytest.param("patient", "/herbs/prescriptions/{signed_id}", id="patient-reads-theirs"),
        pytest.param("patient", "/consults/{encounter_id}/call", id="patient-enters-the-call"),
    ],
)
def test_others_are_not_asked(app, world, clock, who, path):
    client = signed_in(app, world[who])
    clock.shift(STALE)
    assert reauth_target(client.get(path.format(**world))) is None


def test_saving_a_draft_is_not_a_signature(app, world, clock):
    client = signed_in(app, world["doctor"])
    clock.shift(STALE)
    response = client.post(f"/herbs/prescriptions/{world['draft_id']}/edit", data={})
    assert reauth_target(response) is None


def test_the_right_password_returns_to_where_the_doctor_was(app, world, clock):
    client = signed_in(app, world["doctor"])
    clock.shift(STALE)
    edit = f"/herbs/prescriptions/{world['draft_id']}/edit"
    page = client.get(client.get(edit).headers["Location"])
    assert page.status_code == 200 and "请再次输入登录密码" in page.get_data(as_text=True)
    response = client.post(f"/reauth?next={edit}", data={"password": PASSWORD, "next": edit})
    assert response.status_code == 302 and response.headers["Location"] == edit
    assert client.get(edit).status_code == 200
    clock.shift(FRESH)  # the proof counts from the re-authentication
    assert client.get(edit).status_code == 200
    assert "auth.reauth" in db.session.scalars(sa.select(AuditEntry.action)).all()


def test_a_wrong_password_counts_as_a_failed_sign_in(app, world, clock):
    client = signed_in(app, world["doctor"])
    clock.shift(STALE)
    response = client.post("/reauth", data={"password": "not-my-password-1", "next": "/"})
    assert response.status_code == 401
    field = response.get_data(as_text=True).split('class="field-error"', 1)[1]
    assert "密码不正确" in field.split("</ul>", 1)[0]
    doctor = db.session.get(User, world["doctor"].id)
    db.session.refresh(doctor)
    assert doctor.failed_login_count == 1
    assert (
        db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())).first()
        == "auth.login_failed"
    )
    edit = f"/herbs/prescriptions/{world['draft_id']}/edit"
    assert reauth_target(client.get(edit)) == edit  # still stale


def test_the_editor_beside_the_call_can_show_the_reauth_page_in_its_frame(app, world, clock):
    client = signed_in(app, world["doctor"])
    clock.shift(STALE)
    page = client.get(f"/reauth?next=/herbs/prescriptions/{world['draft_id']}/edit")
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_reauth_follows_only_a_local_next(app, world, clock, target):
    client = signed_in(app, world["doctor"])
    response = client.post("/reauth", data={"password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(0, id="at-least-one-minute"),
        pytest.param(481, id="at-most-the-8-hour-session"),
        pytest.param("30", id="a-whole-number"),
        pytest.param(True, id="not-a-boolean"),
    ],
)
def test_reauth_minutes_out_of_range_stop_start(value):
    with pytest.raises(ConfigError, match="TCM_REAUTH_MINUTES"):
        create_app({**SAFE, "ENV_NAME": "development", "REAUTH_MINUTES": value})


def test_reauth_minutes_defaults_to_thirty(app):
    assert app.config["REAUTH_MINUTES"] == 30
