"""A phone call instead of a video consult (电话问诊): on her phone (390×844) the patient opens her
booked online follow-up and asks the doctor to call her instead of the video call; the doctor, at
the desk, sees 电话问诊 on her row of the workbench's queue, opens the visit, finds the request
with her full number, records that the call started and ended (the queue then says it was held);
the patient's visit page and her list of visits then say it was held by phone, and the process
record lists each step with her number masked."""

from datetime import timedelta

from playwright.sync_api import expect

from consults.models import ConsultBooking
from tcm_app.extensions import db
from tcm_app.services.clock import utc_now
from tests.factories import PASSWORD, create_doctor, create_encounter, create_patient
from tests.journeys.conftest import sign_in


def booked_follow_up():
    doctor = create_doctor(username="dr-li")
    patient = create_patient(name="王丽")
    encounter = create_encounter(patient=patient, doctor=doctor)
    start = utc_now() + timedelta(hours=1)
    db.session.add(
        ConsultBooking(
            doctor_id=doctor.id, encounter=encounter, starts_at=start,
            ends_at=start + timedelta(minutes=15),
        )
    )  # fmt: skip
    db.session.commit()
    found = encounter.id, patient.user.username
    db.session.remove()  # release SQLite's lock before the browser's requests arrive
    return found


def test_the_patient_asks_for_a_phone_call_and_the_doctor_records_it(app, live_server, person):
    encounter_id, patient_login = booked_follow_up()
    visit_url = f"{live_server}/encounters/{encounter_id}"

    phone = person("patient", phone=True)
    sign_in(phone, live_server, patient_login, PASSWORD)
    phone.goto(visit_url)
    card = phone.locator("section.phone-consult")
    card.get_by_role("button", name="改为电话问诊").click()
    phone.wait_for_load_state()
    expect(phone.locator(".flash")).to_contain_text("医生将在预约时间给您打电话")
    expect(card).to_contain_text("等待医生来电")
    expect(card).to_contain_text("138****5678")

    desk = person("doctor")
    sign_in(desk, live_server, "dr-li", PASSWORD)
    desk.goto(f"{live_server}/workbench")
    # the queue says so before the visit is opened: the doctor calls instead of the video
    row = desk.locator("tr", has_text="王丽")
    expect(row.locator(".badge-phone")).to_have_text("电话问诊：待通话")
    row.get_by_role("link", name="打开").click()
    desk.wait_for_load_state()
    expect(desk).to_have_url(visit_url)
    request = desk.locator("section.phone-consult")
    expect(request.get_by_role("link", name="13812345678")).to_have_attribute(
        "href", "tel:13812345678"
    )
    request.get_by_role("button", name="通话已开始").click()
    desk.wait_for_load_state()
    expect(request).to_contain_text("电话问诊进行中")
    request.get_by_role("button", name="通话已结束").click()
    desk.wait_for_load_state()
    expect(request).to_contain_text("已通过电话问诊")
    record = desk.locator("section", has=desk.get_by_role("heading", name="问诊记录"))
    expect(record).to_contain_text("患者申请以电话问诊代替视频问诊")
    expect(record).to_contain_text("电话问诊结束")
    desk.goto(f"{live_server}/workbench")
    expect(row.locator(".badge-phone")).to_have_text("电话问诊：已完成")

    phone.reload()
    expect(card).to_contain_text("已通过电话问诊")
    expect(phone.get_by_role("heading", name="电话问诊")).to_be_visible()
    expect(phone.locator("body")).not_to_contain_text("13812345678")
    phone.goto(f"{live_server}/me")  # her list of visits says it too
    visits = phone.locator("section", has=phone.get_by_role("heading", name="我的就诊"))
    expect(visits.locator(".badge-phone")).to_have_text("电话问诊：已完成")
