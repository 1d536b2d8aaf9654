"""拍方抓药 as its people use it (issue 20, the intake): the patient (phone) photographs a paper
prescription from another hospital — a first try without the declaration is refused beside the
box, the details kept — adds a second page, and sends it; the pharmacist finds it in the outside
prescriptions queue and reads both pages (each opens full size)."""

from tcm_app.extensions import db
from tcm_app.services.clock import clinic_today
from tests.factories import PASSWORD, create_patient, create_pharmacist, png_bytes
from tests.journeys.conftest import sign_in
from tests.journeys.test_prescription_journeys import click_and_wait


def photo(name, width):
    return [{"name": name, "mimeType": "image/png", "buffer": png_bytes(width=width, height=80)}]


def menu_link(page, name):
    return page.get_by_role("navigation", name="主菜单").get_by_role("link", name=name)


def test_a_patient_sends_a_photographed_prescription_to_the_pharmacist(
    app, live_server, person, watcher
):
    patient = create_patient(name="赵敏")
    pharmacist = create_pharmacist(username="journey-ph")
    logins = (patient.user.username, pharmacist.username)
    db.session.commit()
    db.session.remove()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, logins[0], PASSWORD)
    click_and_wait(phone, menu_link(phone, "拍方抓药"))
    click_and_wait(phone, phone.get_by_role("link", name="拍摄处方"))
    phone.get_by_label("开具处方的医院或诊所").fill("北京市东城区中医医院")
    phone.get_by_label("开具处方的医生").fill("李建华")
    phone.get_by_label("开具日期").fill(clinic_today().isoformat())
    phone.get_by_label("处方照片（第一页）").set_input_files(files=photo("处方1.png", 90))
    watcher.expect("status of 422")
    click_and_wait(phone, phone.get_by_role("button", name="保存本页"))
    assert "请确认这是本人当前有效的处方。" in phone.locator(".has-error").inner_text()
    assert phone.get_by_label("开具处方的医生").input_value() == "李建华"
    phone.get_by_label("处方照片（第一页）").set_input_files(files=photo("处方1.png", 90))
    phone.get_by_label("这是本人（或本人子女）当前有效的处方，由该医生为本人开具。").check()
    click_and_wait(phone, phone.get_by_role("button", name="保存本页"))
    assert "第一页已保存" in phone.locator(".flash").inner_text()
    phone.get_by_label("下一页照片").set_input_files(files=photo("处方2.png", 91))
    click_and_wait(phone, phone.get_by_role("button", name="添加此页"))
    click_and_wait(phone, phone.get_by_role("button", name="提交药师审核"))
    assert "待药师审核" in phone.locator("main").inner_text()

    desk = person("pharmacist")
    sign_in(desk, live_server, logins[1], PASSWORD)
    click_and_wait(desk, menu_link(desk, "拍方抓药"))
    row = desk.get_by_role("row").filter(has_text="赵敏")
    assert "北京市东城区中医医院" in row.inner_text()
    click_and_wait(desk, row.get_by_role("link", name="打开"))
    pages = desk.locator(".ext-page img")
    assert pages.count() == 2
    assert all(pages.nth(i).evaluate("img => img.naturalWidth") > 0 for i in range(2))
    full_size = desk.get_by_role("link", name="处方第2页")  # each photo opens full size
    assert full_size.get_attribute("href").endswith("/pages/2")
