"""Choosing the right herb, in real Chromium: the doctor types `huangqi` in the prescription editor
and the first suggestion is 黄芪 (not 黄芩), with its look-alike hint 「注意：易与黄芩混淆」; the
picked row keeps the hint, the doctor signs, and the pharmacist sees the hint with its reason on
the review page."""

from herbs.services import prescriptions
from tcm_app.extensions import db
from tests.factories import (
    PASSWORD,
    SIGNING_PASSWORD,
    create_pharmacist,
    create_prescribable_encounter,
)
from tests.journeys.conftest import sign_in

HINT = "注意：易与黄芩混淆"


def empty_draft():
    """The doctor's empty draft in a started online follow-up (made by the services)."""
    encounter = create_prescribable_encounter()
    draft = prescriptions.open_draft(encounter, encounter.doctor)
    pharmacist = create_pharmacist(username="lookalike-pharmacist")
    db.session.commit()
    names = (draft.id, encounter.doctor.username, pharmacist.username, encounter.patient.legal_name)
    db.session.remove()  # release SQLite's lock before the browser's requests arrive
    return names


def test_huangqi_suggests_huangqi_first_with_its_hint_up_to_the_pharmacist(
    app, live_server, person
):
    draft_id, doctor_name, pharmacist_name, patient_name = empty_draft()

    doctor = person("doctor")
    sign_in(doctor, live_server, doctor_name, PASSWORD)
    doctor.goto(f"{live_server}/herbs/prescriptions/{draft_id}/edit")
    name = doctor.locator("input.herb-name").nth(0)
    name.press_sequentially("huangqi")
    options = doctor.locator("#herb-listbox").get_by_role("option")
    options.first.wait_for()
    first = options.first.inner_text()
    assert first.startswith("黄芪") and HINT in first, first
    assert "黄芩" in options.nth(1).inner_text()  # still offered, after the exact match
    options.first.click()
    assert name.input_value() == "黄芪"
    row_hint = doctor.locator("tr.rx-row").nth(0).locator("[data-lookalike-row]")
    assert row_hint.is_visible() and row_hint.inner_text() == HINT
    doctor.locator("input.herb-dose").nth(0).fill("15")

    other = doctor.locator("input.herb-name").nth(1)
    other.press_sequentially("gancaw")  # one wrong letter still finds 甘草
    doctor.locator("#herb-listbox").get_by_role("option", name="甘草").first.click()
    assert other.input_value() == "甘草"
    assert not doctor.locator("tr.rx-row").nth(1).locator("[data-lookalike-row]").is_visible()
    doctor.locator("input.herb-dose").nth(1).fill("6")

    # A name typed in full without picking a suggestion gets its hint when the cell is left.
    typed = doctor.locator("input.herb-name").nth(2)
    typed.fill("枳实")
    typed.press("Tab")
    typed_hint = doctor.locator("tr.rx-row").nth(2).locator("[data-lookalike-row]")
    typed_hint.get_by_text("注意：易与枳壳混淆").wait_for()
    doctor.locator("input.herb-dose").nth(2).fill("9")
    doctor.locator("#live-findings").get_by_text("未发现问题").wait_for()

    with doctor.expect_navigation():
        doctor.get_by_role("button", name="保存草稿").click()
    saved_hint = doctor.locator("tr.rx-row").nth(0).locator("[data-lookalike-row]")
    assert saved_hint.inner_text() == HINT  # the saved draft shows it too
    doctor.get_by_label("签名密码").fill(SIGNING_PASSWORD)
    with doctor.expect_navigation():
        doctor.get_by_role("button", name="本人签名").click()
    doctor.locator(".badges").get_by_text("待药师审核").wait_for()
    lines = doctor.locator("table.rx-lines")
    assert HINT in lines.inner_text()

    pharmacist = person("pharmacist")
    sign_in(pharmacist, live_server, pharmacist_name, PASSWORD)
    row = pharmacist.get_by_role("row").filter(has_text=patient_name)
    with pharmacist.expect_navigation():
        row.get_by_role("link", name="审核").click()
    herb_row = pharmacist.locator("table.rx-lines").get_by_role("row").filter(has_text="黄芪")
    text = herb_row.inner_text()
    assert HINT in text and "黄芩：" in text, text
    assert (
        "注意"
        not in pharmacist.locator("table.rx-lines")
        .get_by_role("row")
        .filter(has_text="甘草")
        .inner_text()
    )
