"""The doctor codes the diagnosis with the GB/T 15657-2021 pickers in real Chromium: types initials
(`wpb`) or pinyin (`weipi`) and picks 胃痞病, sees the usual patterns of a 脾系病 first and picks
脾气虚证, adds the Western diagnosis, saves; the signed prescription shows both with codes.

(胃脘痛 itself is not a coded disease in GB/T 15657-2021: its 胃痛 is a 临时诊断用术语, A17.30,
which cannot close a visit, so the journey codes 胃痞病.)"""

from tcm_app.extensions import db
from tcm_app.services import encounters
from tests.factories import PASSWORD, create_prescribable_encounter
from tests.journeys.conftest import DESKTOP, sign_in
from tests.journeys.test_prescription_journeys import click_and_wait, doctor_writes_and_signs


def visit_ready_for_diagnosis() -> tuple[str, int]:
    encounter = create_prescribable_encounter()
    for diagnosis in list(encounter.active_diagnoses):
        encounters.retire_diagnosis(encounter, encounter.doctor, diagnosis.id)
    names = (encounter.doctor.username, encounter.id)
    db.session.commit()
    db.session.remove()  # release SQLite's lock before the browser's requests arrive
    return names


def test_doctor_picks_disease_and_usual_pattern_and_the_prescription_shows_codes(
    app, live_server, person
):
    username, encounter_id = visit_ready_for_diagnosis()
    page = person("doctor")
    sign_in(page, live_server, username, PASSWORD)
    page.goto(f"{live_server}/encounters/{encounter_id}")

    disease = page.get_by_role("combobox", name="中医病名")
    disease.press_sequentially("wpb")
    page.locator("#disease-listbox").get_by_role("option").first.wait_for()
    assert "胃痞病" in page.locator("#disease-listbox").get_by_role("option").first.inner_text()
    disease.fill("")
    disease.press_sequentially("weipi")
    page.locator("#disease-listbox").get_by_role("option", name="胃痞病").first.click()
    assert disease.input_value() == "胃痞病"
    assert page.get_by_label("病名代码").input_value() == "A04.03.15"

    syndrome = page.get_by_role("combobox", name="证候")
    syndrome.press_sequentially("pi")
    options = page.locator("#syndrome-listbox").get_by_role("option")
    options.first.wait_for()
    # 胃痞病 is a 脾系病: the 脾系证 come first, marked as usual for this disease.
    assert "本病常见证候" in options.first.inner_text()
    syndrome.press_sequentially("qixu")
    page.locator("#syndrome-listbox").get_by_role("option", name="脾气虚证").first.click()
    assert page.get_by_label("证候代码").input_value() == "B04.03.01.03.01"
    page.get_by_label("治法").fill("健脾和胃")
    page.get_by_label("西医诊断").fill("功能性消化不良")
    click_and_wait(page, page.get_by_role("button", name="保存诊断"))

    diagnosis = page.locator(".diagnosis").first.inner_text()
    for shown in ("胃痞病", "A04.03.15", "脾气虚证", "B04.03.01.03.01", "功能性消化不良"):
        assert shown in diagnosis

    click_and_wait(page, page.get_by_role("button", name="开具处方"))
    doctor_writes_and_signs(page, [("dangshen", "党参", "15"), ("baizhu", "白术", "9")])
    assert "胃痞病（A04.03.15） · 脾气虚证（B04.03.01.03.01）" in page.content()


def test_without_javascript_the_form_posts_and_the_server_checks_codes(app, live_server, browser):
    username, encounter_id = visit_ready_for_diagnosis()
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, username, PASSWORD)
    page.goto(f"{live_server}/encounters/{encounter_id}")
    page.get_by_role("textbox", name="中医病名").fill("胃痞病")
    page.get_by_label("病名代码").fill("A04.03.99")
    page.get_by_role("textbox", name="证候", exact=True).fill("脾气虚证")
    click_and_wait(page, page.get_by_role("button", name="保存诊断"))
    assert "代码不在 GB/T 15657-2021 代码表中" in page.content()
    assert page.locator(".diagnosis").count() == 0

    page.get_by_label("病名代码").fill("")
    page.get_by_role("textbox", name="中医病名").fill("胃痞病")
    page.get_by_role("textbox", name="证候", exact=True).fill("脾气虚证")
    click_and_wait(page, page.get_by_role("button", name="保存诊断"))
    diagnosis = page.locator(".diagnosis").first.inner_text()
    assert "A04.03.15" in diagnosis and "B04.03.01.03.01" in diagnosis  # coded by the server
    context.close()
