"""Satisfaction, complaints and the daily figures (issue 19) as their people use them. The
patient (phone) finds yesterday's visit under 我的评价, is refused a rating without stars, rates
it one star, and files a complaint about it. The doctor (desktop) sees the rating on 我的评价与指标
and appeals it. The quality officer (desktop) finds both on the desk, records a contact with the
patient and answers the complaint, upholds the appeal, then computes yesterday's figures on the
operator page and downloads the CSV, which the test reads back. The patient reads the answer
and every step; the doctor sees the rating removed."""

import csv
from datetime import datetime, time, timedelta

import time_machine

from tcm_app.extensions import db
from tcm_app.services import clock
from tests.factories import PASSWORD
from tests.journeys.conftest import sign_in
from tests.journeys.test_prescription_journeys import click_and_wait
from tests.quality.helpers import completed_visit, quality_officer


def yesterdays_visit():
    """A visit completed yesterday at 10:00 clinic time, and the quality officer."""
    yesterday = clock.clinic_today() - timedelta(days=1)
    with time_machine.travel(
        datetime.combine(yesterday, time(10), clock.clinic_zone()), tick=False
    ):
        visit = completed_visit()
    officer = quality_officer(username="quality-journey")
    db.session.commit()
    names = (visit.patient.user.username, visit.doctor.username, visit.doctor.full_name)
    names = (*names, officer.username, yesterday)
    db.session.remove()
    return names


def menu(page, name: str):
    return page.get_by_role("navigation", name="主菜单").get_by_role("link", name=name)


def patient_rates_and_complains(phone, watcher) -> None:
    click_and_wait(phone, menu(phone, "我的评价"))
    click_and_wait(phone, phone.get_by_role("link", name="去评价").first)
    watcher.expect("status of 422")  # sent without stars, on purpose
    click_and_wait(phone, phone.get_by_role("button", name="提交评价"))
    assert "请选择 1 至 5 星的评分。" in phone.locator(".field-error").inner_text()
    phone.get_by_label("1 分").check()
    phone.get_by_label("评价内容（选填）").fill("医生迟迟未接诊")
    click_and_wait(phone, phone.get_by_role("button", name="提交评价"))
    assert "感谢您的评价" in phone.locator(".flash").inner_text()
    assert "暂无待评价的项目" in phone.locator("main").inner_text()
    click_and_wait(phone, phone.get_by_role("link", name="我要投诉"))
    phone.get_by_label("投诉事项").select_option(index=1)
    phone.get_by_label("投诉内容").fill("预约的视频问诊迟迟没有开始，也没有人通知我")
    click_and_wait(phone, phone.get_by_role("button", name="提交投诉"))
    assert "投诉已提交" in phone.locator(".flash").inner_text()
    assert "质控部门将于" in phone.locator("main").inner_text()


def doctor_appeals(desk) -> None:
    click_and_wait(desk, menu(desk, "我的评价与指标"))
    assert "医生迟迟未接诊" in desk.locator("main").inner_text()
    click_and_wait(desk, desk.get_by_role("link", name="申诉此评价"))
    desk.get_by_label("申诉理由（为何此评价不应计入）").fill("患者预约后未上线，呼叫三次无应答")
    click_and_wait(desk, desk.get_by_role("button", name="提交申诉"))
    assert "申诉已提交" in desk.locator(".flash").inner_text()


def officer_answers_and_decides(office) -> None:
    complaints = office.locator("section", has=office.get_by_role("heading", name="待答复的投诉"))
    click_and_wait(office, complaints.get_by_role("link").first)
    office.get_by_label("处理环节", exact=True).select_option(label="联系患者")
    office.get_by_label("处理情况").fill("已电话联系患者，说明医生当日临时手术")
    click_and_wait(office, office.get_by_role("button", name="记录", exact=True))
    assert "处理环节已记录" in office.locator(".flash").inner_text()
    office.get_by_label("给患者的答复").fill(
        "经核实医生临时手术未能准时接诊，已提醒科室提前通知患者，向您致歉。"
    )
    click_and_wait(office, office.get_by_role("button", name="发送答复"))
    assert "答复已发送给患者" in office.locator(".flash").inner_text()
    click_and_wait(office, office.get_by_role("link", name="返回质控工作台"))
    assert "没有待答复的投诉" in office.locator("main").inner_text()
    click_and_wait(office, office.get_by_role("link", name="裁定"))
    assert "呼叫三次无应答" in office.locator("main").inner_text()
    office.get_by_label("申诉成立：撤销该评价").check()
    office.get_by_label("裁定理由").fill("通话记录显示患者未上线")
    click_and_wait(office, office.get_by_role("button", name="记录裁定"))
    assert "裁定已记录" in office.locator(".flash").inner_text()


def officer_downloads_the_figures(office, yesterday, doctor_name, tmp_path) -> list[list[str]]:
    click_and_wait(office, menu(office, "每日指标"))
    office.get_by_label("日期").fill(yesterday.isoformat())
    click_and_wait(office, office.get_by_role("button", name="显示"))
    click_and_wait(office, office.get_by_role("button", name="计算该日指标"))
    doctors = office.locator("section", has=office.get_by_role("heading", name="按医生"))
    assert doctor_name in doctors.inner_text()
    with office.expect_download() as download:
        office.get_by_role("link", name="下载 CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_ratings_complaints_appeals_and_figures(app, live_server, person, watcher, tmp_path):
    patient_login, doctor_login, doctor_name, officer_login, yesterday = yesterdays_visit()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, patient_login, PASSWORD)
    patient_rates_and_complains(phone, watcher)

    desk = person("doctor")
    sign_in(desk, live_server, doctor_login, PASSWORD)
    doctor_appeals(desk)

    office = person("quality")
    sign_in(office, live_server, officer_login, PASSWORD)
    officer_answers_and_decides(office)
    rows = officer_downloads_the_figures(office, yesterday, doctor_name, tmp_path)
    assert rows[0][:3] == ["日期", "范围", "科室"] and "完成诊次" in rows[0]
    assert rows[1][:2] == [yesterday.isoformat(), "全院"]
    assert rows[1][rows[0].index("完成诊次")] == "1"
    assert any(doctor_name in row for row in rows[2:])

    click_and_wait(phone, menu(phone, "我的评价"))
    click_and_wait(phone, phone.get_by_role("link", name="的投诉"))
    answer = phone.locator("main").inner_text()
    assert "已答复" in answer and "向您致歉" in answer and "联系患者" in answer

    desk.reload()
    assert "申诉成立，评价已撤销" in desk.locator("main").inner_text()
