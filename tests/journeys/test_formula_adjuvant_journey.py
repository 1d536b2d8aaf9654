"""A doctor picks 瓜蒌薤白半夏汤 in the prescription editor (real Chromium): the three herbs fill
the rows, and 白酒 (the formula's 白酒一斗, not a herb) is shown as an adjuvant and written into the
usage, so it is saved with the draft and never turns up as an unknown herb."""

from herbs.services import prescriptions
from tcm_app.extensions import db
from tests.factories import PASSWORD, create_prescribable_encounter
from tests.journeys.conftest import sign_in


def open_draft():
    encounter = create_prescribable_encounter()
    draft = prescriptions.open_draft(encounter, encounter.doctor)
    db.session.commit()
    names = (draft.id, encounter.doctor.username)
    db.session.remove()  # release SQLite's lock before the browser's requests arrive
    return names


def test_picking_gualou_xiebai_banxia_tang_shows_and_keeps_the_bai_jiu_line(
    app, live_server, person
):
    draft_id, doctor_name = open_draft()
    doctor = person("doctor")
    sign_in(doctor, live_server, doctor_name, PASSWORD)
    doctor.goto(f"{live_server}/herbs/prescriptions/{draft_id}/edit")

    option = doctor.locator("#template-select option", has_text="瓜蒌薤白半夏汤")
    doctor.get_by_label("模板", exact=True).select_option(option.get_attribute("value"))
    with doctor.expect_navigation():
        doctor.get_by_role("button", name="填入编辑器").click()

    names = doctor.locator(".rx-row .herb-name")
    # 半夏 unmarked is dispensed as 法半夏 (第九条): the template pre-fills what is dispensed.
    assert [names.nth(i).input_value() for i in range(3)] == ["瓜蒌", "薤白", "法半夏"]
    assert "白酒" not in [names.nth(i).input_value() for i in range(names.count())]
    notice = doctor.locator("#template-adjuvants")
    assert "非饮片" in notice.inner_text() and "白酒 一斗" in notice.inner_text()
    usage = doctor.get_by_label("用法")
    assert "辅料（非饮片）：白酒 一斗" in usage.input_value()

    # The doctor gives grams, writes the dispensed 法半夏, confirms the lines and saves.
    rows = doctor.locator(".rx-row")
    for i, (name, grams) in enumerate([("瓜蒌", "12"), ("薤白", "9"), ("法半夏", "9")]):
        rows.nth(i).locator(".herb-name").fill(name)
        rows.nth(i).locator(".herb-dose").fill(grams)
        rows.nth(i).get_by_label("确认此行").check()
    with doctor.expect_navigation():
        doctor.get_by_role("button", name="保存草稿").click()
    assert "草稿已保存" in doctor.inner_text("main")
    assert "白酒 一斗" in doctor.get_by_label("用法").input_value()
    # Only in the usage (an input's value): no herb row and no finding names 白酒.
    assert "白酒" not in doctor.inner_text("main")
