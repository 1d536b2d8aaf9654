"""A toxic herb by its written form, in real Chromium (issue 16): the doctor (desktop) writes
生附子 and the editor shows the toxic-herb finding; the doctor writes 半夏 9 g instead, the editor
says 法半夏 is dispensed (information for the doctor, not a block) and the prescription signs for
7 packets; the pharmacist's review shows the line as 半夏 (法半夏) without the doctor's note."""

import re

from tests.factories import PASSWORD, SIGNING_PASSWORD
from tests.journeys.conftest import sign_in
from tests.journeys.test_prescription_journeys import click_and_wait, doctor_at_diagnosed_visit


def pick_exact_herb(page, row: int, typed: str, herb: str, grams: str) -> None:
    """Type into the herb cell and tap the suggestion whose name is exactly `herb`."""
    name = page.locator("input.herb-name").nth(row)
    name.fill("")
    name.press_sequentially(typed)
    label = page.locator(".typeahead-label", has_text=re.compile(f"^{herb}$"))
    page.locator("#herb-listbox [role=option]").filter(has=label).first.click()
    assert name.input_value() == herb
    page.locator("input.herb-dose").nth(row).fill(grams)


def test_raw_fuzi_is_flagged_and_unmarked_banxia_signs_for_seven_packets(app, live_server, person):
    names, _patient, doctor = doctor_at_diagnosed_visit(person, live_server)
    click_and_wait(doctor, doctor.get_by_role("button", name="开具处方"))
    doctor.get_by_label("剂数").fill("7")

    live = doctor.locator("#live-findings")
    pick_exact_herb(doctor, 0, "生附子", "生附子", "3")
    live.get_by_text("生附子（生品）属医疗用毒性药品", exact=False).wait_for()
    assert "本院不供应" in live.inner_text()

    pick_exact_herb(doctor, 0, "banxia", "半夏", "9")
    live.get_by_text("调配时付炮制品法半夏", exact=False).wait_for()
    assert "二日极量" not in live.inner_text() and "生附子" not in live.inner_text()
    click_and_wait(doctor, doctor.get_by_role("button", name="保存草稿"))
    saved = doctor.locator("section", has=doctor.get_by_role("heading", name="安全审查"))
    assert "供医生参考" in saved.inner_text() and "须修改" not in saved.inner_text()
    doctor.get_by_label("签名密码").fill(SIGNING_PASSWORD)
    click_and_wait(doctor, doctor.get_by_role("button", name="本人签名"))
    doctor.locator(".badges").get_by_text("待药师审核").wait_for()

    pharmacist = person("pharmacist")
    sign_in(pharmacist, live_server, names["pharmacist"], PASSWORD)
    row = pharmacist.get_by_role("row").filter(has_text="王丽")
    assert "0 / 0" in row.inner_text()  # the doctor's note is not a review point
    click_and_wait(pharmacist, row.get_by_role("link", name="审核"))
    lines = pharmacist.locator("table.rx-lines").inner_text()
    assert "半夏" in lines and "法半夏" in lines
    assert "供医生参考" not in pharmacist.content()
