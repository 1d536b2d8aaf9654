"""In headless Chromium with CSRF on: the doctor types pinyin initials and gets herb suggestions,
sees the live safety check flag 十八反 before saving, saves, gives the reason and signs."""

from herbs.models import Prescription
from tcm_app.extensions import db
from tests.factories import PASSWORD, SIGNING_PASSWORD, create_prescribable_encounter


def test_doctor_writes_checks_and_signs_in_the_browser(app, live_server, desk_page):
    encounter = create_prescribable_encounter()
    username, encounter_id = encounter.doctor.username, encounter.id
    db.session.commit()
    db.session.remove()  # release SQLite's lock before the browser's requests arrive

    page = desk_page
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server}/workbench")

    page.goto(f"{live_server}/encounters/{encounter_id}")
    page.get_by_role("button", name="开具处方").click()
    page.wait_for_url("**/herbs/prescriptions/*/edit")

    names = page.locator("input.herb-name")
    grams = page.locator("input.herb-dose")
    names.nth(0).type("gc")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#herb-options option')].some(o => o.value === '甘草')"
    )
    names.nth(0).fill("甘草")
    grams.nth(0).fill("6")
    names.nth(1).fill("海藻")
    grams.nth(1).fill("10")
    page.wait_for_function(
        "() => document.querySelector('#live-findings').textContent.includes('十八反')"
    )

    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/edit")
    reason = page.locator("textarea[name^=reason-]")
    assert reason.count() == 1
    reason.fill("痰核瘰疬，取海藻甘草相反相成，已告知患者")
    page.fill("input[name=signing_password]", SIGNING_PASSWORD)
    page.get_by_role("button", name="本人签名").click()
    page.wait_for_url("**/herbs/prescriptions/*")
    assert "待药师审核" in page.content()

    prescription = db.session.scalar(db.select(Prescription))
    assert prescription.status == "pending_review"
    assert [a.code for a in prescription.acknowledgements] == ["incompatible_18"]
