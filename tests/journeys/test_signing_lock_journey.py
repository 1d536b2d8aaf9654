"""The signature lock, in real Chromium: a doctor types a wrong signing password five times on the
prescription page and reads that signing is locked until when, and that an administrator can
unlock it; an administrator unlocks signing on the accounts page; the doctor then signs."""

from herbs.services import prescriptions
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import (
    PASSWORD,
    SIGNING_PASSWORD,
    create_prescribable_encounter,
    create_user,
)
from tests.journeys.conftest import sign_in

SIJUNZI = [("党参", 15), ("白术", 9), ("茯苓", 12), ("炙甘草", 6)]


def saved_draft():
    """The doctor's saved draft in a started online follow-up (made by the services)."""
    encounter = create_prescribable_encounter()
    doctor = encounter.doctor
    draft = prescriptions.open_draft(encounter, doctor)
    lines = [{"name": name, "dose_g": grams, "method": None} for name, grams in SIJUNZI]
    prescriptions.save_draft(draft, doctor, lines, 7, "每日1剂，水煎400ml，分早晚两次温服")
    create_user(Role.ADMIN, username="admin-zhou", full_name="周管理员")
    db.session.commit()
    names = (draft.id, doctor.username)
    db.session.remove()  # release SQLite's lock before the browser's requests arrive
    return names


def type_signing_password(page, password: str) -> None:
    page.get_by_label("签名密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="本人签名").click()


def test_a_locked_signature_is_unlocked_by_an_administrator(app, live_server, person):
    draft_id, doctor_name = saved_draft()
    maximum = app.config["SIGNING_MAX_FAILURES"]

    doctor = person("doctor")
    sign_in(doctor, live_server, doctor_name, PASSWORD)
    doctor.goto(f"{live_server}/herbs/prescriptions/{draft_id}/edit")
    for _ in range(maximum - 1):
        type_signing_password(doctor, "Not-my-signature-1")
        assert "签名密码错误" in doctor.inner_text("main")
    type_signing_password(doctor, "Not-my-signature-1")
    message = doctor.inner_text("main")
    assert "电子签名已锁定至" in message and "管理员" in message
    type_signing_password(doctor, SIGNING_PASSWORD)  # the right one: still locked
    assert "电子签名已锁定至" in doctor.inner_text("main")

    admin = person("admin")
    sign_in(admin, live_server, "admin-zhou", PASSWORD)
    admin.get_by_role("navigation").get_by_role("link", name="账号管理").click()
    row = admin.get_by_role("row").filter(has_text=doctor_name)
    assert "电子签名锁定至" in row.inner_text()
    with admin.expect_navigation():
        row.get_by_role("button", name="解锁电子签名").click()
    assert "电子签名已解锁。" in admin.inner_text("main")
    row = admin.get_by_role("row").filter(has_text=doctor_name)
    assert "电子签名锁定至" not in row.inner_text()

    type_signing_password(doctor, SIGNING_PASSWORD)
    doctor.locator(".badges").get_by_text("待药师审核").wait_for()
