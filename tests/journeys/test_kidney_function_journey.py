"""Kidney function in real Chromium (issue 16): the doctor records on the visit page that the
patient has kidney disease; the prescription editor shows it, and writing 马兜铃 there is refused
as forbidden in kidney disease, with the nephrotoxicity named."""

from tests.journeys.test_prescription_journeys import click_and_wait, doctor_at_diagnosed_visit
from tests.journeys.test_toxic_herb_journey import pick_exact_herb


def test_recorded_kidney_disease_refuses_an_aristolochic_herb(app, live_server, person):
    _, _, doctor = doctor_at_diagnosed_visit(person, live_server)

    facts = doctor.locator("dl.facts")
    assert "肾功能未记录" in facts.inner_text().replace("\n", "").replace(" ", "")
    renal = doctor.locator("section", has=doctor.get_by_role("heading", name="肾功能"))
    renal.get_by_label("肾功能").select_option(label="肾脏疾病或肾功能不全")
    click_and_wait(doctor, renal.get_by_role("button", name="保存"))
    doctor.get_by_text("肾功能已记录。").wait_for()
    assert "肾脏疾病或肾功能不全" in doctor.locator("dl.facts").inner_text()

    click_and_wait(doctor, doctor.get_by_role("button", name="开具处方"))
    assert "肾脏疾病或肾功能不全" in doctor.locator("dl.facts").inner_text()
    doctor.get_by_label("剂数").fill("3")
    pick_exact_herb(doctor, 0, "madouling", "马兜铃", "6")
    live = doctor.locator("#live-findings")
    live.get_by_text("肾脏疾病或肾功能不全者禁用", exact=False).wait_for()
    assert "马兜铃含马兜铃酸" in live.inner_text()
