"""In headless Chromium with CSRF on: the doctor types pinyin initials and picks herbs from the
typeahead (arrow keys and Enter, or a click; Escape closes it),
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
    listbox = page.locator("#herb-listbox")
    # Pinyin initials: the typeahead offers 甘草 (a native datalist hid it: "gc" is not in "甘草").
    assert names.nth(0).get_attribute("role") == "combobox"
    assert names.nth(0).get_attribute("aria-controls") == "herb-listbox"
    names.nth(0).press_sequentially("gc")
    listbox.get_by_role("option", name="甘草").wait_for()
    assert names.nth(0).get_attribute("aria-expanded") == "true"
    for _step in range(listbox.get_by_role("option").count()):
        names.nth(0).press("ArrowDown")
        active = names.nth(0).get_attribute("aria-activedescendant")
        if page.locator(f"#{active}").inner_text().startswith("甘草"):
            break
    names.nth(0).press("Enter")  # picks; does not submit the form
    assert names.nth(0).input_value() == "甘草"
    assert names.nth(0).get_attribute("aria-expanded") == "false"
    assert "/edit" in page.url and "草稿已保存" not in page.content()
    grams.nth(0).fill("6")
    # Mixed pinyin, then Escape closes the list without picking.
    names.nth(2).press_sequentially("ganc")
    listbox.get_by_role("option", name="甘草").wait_for()
    names.nth(2).press("Escape")
    assert names.nth(2).get_attribute("aria-expanded") == "false"
    assert names.nth(2).input_value() == "ganc"
    names.nth(2).fill("")
    # A click (or tap) picks.
    names.nth(1).press_sequentially("haiz")
    listbox.get_by_role("option", name="海藻").click()
    assert names.nth(1).input_value() == "海藻"
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
