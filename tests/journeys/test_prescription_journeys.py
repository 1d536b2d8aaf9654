"""The central legal path, as its people perform it in real Chromium: the patient (phone) asks for
an online follow-up and uploads the proof of the in-person diagnosis; the doctor (desktop) starts
the visit from the workbench, decides eligibility (复诊资格), writes the four examinations (四诊)
and a coded diagnosis, writes the prescription with the herb typeahead and signs it; the
pharmacist (desktop) reviews it from their home page; the patient sees the result. Also: a
returned prescription is revised from the workbench, and a terminated visit offers in-person care.

Only the accounts come from factories; everything else is done through the pages."""

from tcm_app.extensions import db
from tests.factories import (
    PASSWORD,
    SIGNING_PASSWORD,
    create_doctor,
    create_patient,
    create_pharmacist,
    png_bytes,
)
from tests.journeys.conftest import sign_in


def accounts() -> dict:
    doctor = create_doctor(username="journey-doctor")
    pharmacist = create_pharmacist(username="journey-pharmacist")
    patient = create_patient(name="王丽")
    names = {
        "doctor": doctor.username,
        "pharmacist": pharmacist.username,
        "patient": patient.user.username,
    }
    db.session.commit()
    db.session.remove()  # release SQLite's lock before the browser's requests arrive
    return names


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def patient_requests_follow_up(page, base, username) -> None:
    """Phone: sign in, request an online follow-up, upload the discharge summary."""
    sign_in(page, base, username, PASSWORD)
    click_and_wait(page, page.get_by_role("link", name="申请就诊").first)
    page.get_by_label("就诊类型").select_option(label="在线复诊")
    doctor = page.get_by_label("医生").locator("option", has_text="张医生").first.text_content()
    page.get_by_label("医生").select_option(label=doctor.strip())
    page.get_by_label("主要不适（主诉）").fill("半月前门诊诊断伤风，现仍鼻塞咳嗽，请求复诊")
    click_and_wait(page, page.get_by_role("button", name="提交申请"))
    assert "就诊申请已提交" in page.content()
    page.get_by_label("资料类型").select_option(label="出院小结")
    page.get_by_label("文件（PDF、JPEG 或 PNG）").set_input_files(
        files=[{"name": "门诊病历.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    click_and_wait(page, page.get_by_role("button", name="上传", exact=True))
    page.get_by_role("link", name="出院小结").wait_for()


def doctor_opens_visit_from_workbench(page, base, username) -> None:
    sign_in(page, base, username, PASSWORD)
    assert page.url.endswith("/workbench")
    row = page.get_by_role("row").filter(has_text="王丽")
    click_and_wait(page, row.get_by_role("link", name="打开"))


def doctor_examines_and_diagnoses(page) -> None:
    """Start, eligibility, 四诊, a coded diagnosis."""
    click_and_wait(page, page.get_by_role("button", name="开始接诊"))
    form = page.locator("form", has=page.get_by_label("判定结果"))
    form.get_by_label("判定结果").select_option(label="符合在线复诊条件")
    form.get_by_label("原因").fill("出院小结明确诊断伤风，病情稳定")
    click_and_wait(page, form.get_by_role("button", name="保存判定"))
    assert "出院小结明确诊断伤风，病情稳定" in page.content()

    page.get_by_label("望诊", exact=True).fill("面色如常，舌淡红，苔薄白")
    page.get_by_label("闻诊", exact=True).fill("语声稍重浊，咳声不扬")
    page.get_by_label("问诊", exact=True).fill("鼻塞流清涕，微恶风寒，无发热")
    page.get_by_label("切诊", exact=True).fill("脉浮缓")
    click_and_wait(page, page.get_by_role("button", name="保存四诊记录"))
    assert "四诊记录已保存" in page.content()
    assert page.get_by_label("切诊", exact=True).input_value() == "脉浮缓"

    # The code picker: typing part of the name offers the coded GB/T 15657 names.
    page.get_by_role("combobox", name="中医病名").press_sequentially("伤")
    page.locator("#disease-listbox").get_by_role("option", name="伤风").click()
    assert page.get_by_role("combobox", name="中医病名").input_value() == "伤风"
    assert page.get_by_label("病名代码").input_value() == "A01.01.01.01"
    page.get_by_label("证候", exact=True).fill("风寒束表证")
    page.get_by_label("治法").fill("疏风散寒")
    click_and_wait(page, page.get_by_role("button", name="保存诊断"))
    diagnosis = page.locator(".diagnosis").first
    assert "伤风" in diagnosis.inner_text()
    assert "A01.01.01.01" in diagnosis.inner_text()
    page.get_by_text("可以开具处方").wait_for()


def pick_herb(page, row: int, typed: str, herb: str, grams: str) -> None:
    """Type pinyin into a herb cell and tap the suggestion, as the doctor does."""
    name = page.locator("input.herb-name").nth(row)
    name.press_sequentially(typed)
    page.locator("#herb-listbox").get_by_role("option", name=herb).first.click()
    assert name.input_value() == herb
    page.locator("input.herb-dose").nth(row).fill(grams)


def doctor_writes_and_signs(page, herbs) -> None:
    for row, (typed, herb, grams) in enumerate(herbs):
        pick_herb(page, row, typed, herb, grams)
    page.locator("#live-findings").get_by_text("未发现问题").wait_for()
    click_and_wait(page, page.get_by_role("button", name="保存草稿"))
    assert [page.locator("input.herb-name").nth(i).input_value() for i in range(len(herbs))] == [
        herb for _typed, herb, _grams in herbs
    ]
    page.get_by_label("签名密码").fill(SIGNING_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="本人签名"))
    page.locator(".badges").get_by_text("待药师审核").wait_for()


def pharmacist_reviews(page, approve: bool, reason: str = "") -> None:
    """From the pharmacist's home page (the review list), open the oldest waiting prescription."""
    assert page.get_by_role("heading", name="处方审核").is_visible()
    row = page.get_by_role("row").filter(has_text="王丽")
    click_and_wait(page, row.get_by_role("link", name="审核"))
    page.get_by_label("审核通过" if approve else "退回医生").check()
    if reason:
        page.get_by_label("审核意见或退回理由").fill(reason)
    page.get_by_label("签名密码").fill(SIGNING_PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="提交审核"))
    assert "审核结果已记录" in page.content()


GUIZHI_TANG = [("guiz", "桂枝", "9"), ("bais", "白芍", "9"), ("gc", "甘草", "6")]


def doctor_at_diagnosed_visit(person, base) -> tuple:
    """The preamble of every prescribing journey: the patient (phone) asks for a follow-up, the
    doctor opens it from the workbench, examines and diagnoses. Returns (names, patient, doctor)."""
    names = accounts()
    patient = person("patient", phone=True)
    patient_requests_follow_up(patient, base, names["patient"])
    doctor = person("doctor")
    doctor_opens_visit_from_workbench(doctor, base, names["doctor"])
    doctor_examines_and_diagnoses(doctor)
    return names, patient, doctor


def test_follow_up_to_approved_prescription(app, live_server, person):
    names, patient, doctor = doctor_at_diagnosed_visit(person, live_server)
    click_and_wait(doctor, doctor.get_by_role("button", name="开具处方"))
    # An empty draft has nothing to check yet: it never reads "no problems found".
    safety = doctor.locator("section", has=doctor.get_by_role("heading", name="安全审查"))
    safety.get_by_text("尚无可检查的内容：请录入药味和克数。").wait_for()
    assert "尚无可检查的内容：已保存的草稿中还没有药味。" in safety.inner_text()
    assert "未发现问题" not in safety.inner_text() and "无发现" not in safety.inner_text()
    doctor_writes_and_signs(doctor, GUIZHI_TANG)

    pharmacist = person("pharmacist")
    sign_in(pharmacist, live_server, names["pharmacist"], PASSWORD)
    waited = pharmacist.get_by_role("row").filter(has_text="王丽").locator("td").first.inner_text()
    assert "秒" in waited or "分钟" in waited
    pharmacist_reviews(pharmacist, approve=True)
    assert "没有待审核的处方" in pharmacist.content()

    click_and_wait(patient, patient.get_by_role("link", name="我的处方"))
    click_and_wait(patient, patient.get_by_role("link", name="王丽"))
    patient.locator(".badges").get_by_text("审核通过").wait_for()
    assert "桂枝" in patient.content() and "甘草" in patient.content()


def signed_prescription_waiting(person, base) -> tuple:
    """Patient asks, doctor examines and signs: the pages of the first journey, up to review."""
    names, patient, doctor = doctor_at_diagnosed_visit(person, base)
    click_and_wait(doctor, doctor.get_by_role("button", name="开具处方"))
    doctor_writes_and_signs(doctor, GUIZHI_TANG)
    return names, patient, doctor


def test_pharmacist_returns_and_doctor_revises(app, live_server, person):
    names, patient, doctor = signed_prescription_waiting(person, live_server)
    reason = "桂枝用量请按患者体重复核，并注明煎服法"

    pharmacist = person("pharmacist")
    sign_in(pharmacist, live_server, names["pharmacist"], PASSWORD)
    pharmacist_reviews(pharmacist, approve=False, reason=reason)

    # The doctor sees the return on the workbench, with the pharmacist's reason, and opens it.
    click_and_wait(doctor, doctor.get_by_role("link", name="医生工作台"))
    returned = doctor.locator("section", has=doctor.get_by_role("heading", name="药师退回的处方"))
    assert reason in returned.inner_text()
    click_and_wait(doctor, returned.get_by_role("link").first)
    doctor.locator(".badges").get_by_text("已退回医生").wait_for()
    click_and_wait(doctor, doctor.get_by_role("button", name="修改并重新签发"))
    assert reason in doctor.content()  # the editor repeats what the pharmacist wrote
    doctor.locator("input.herb-dose").nth(0).fill("6")
    doctor.get_by_label("用法").fill("每日一剂，水煎400毫升，分早晚两次温服")
    click_and_wait(doctor, doctor.get_by_role("button", name="保存草稿"))
    doctor.get_by_label("签名密码").fill(SIGNING_PASSWORD)
    click_and_wait(doctor, doctor.get_by_role("button", name="本人签名"))
    doctor.locator(".badges").get_by_text("待药师审核").wait_for()

    # Once revised and signed, it leaves the workbench's list of returns.
    click_and_wait(doctor, doctor.get_by_role("link", name="医生工作台"))
    assert doctor.get_by_role("heading", name="药师退回的处方").count() == 0

    click_and_wait(pharmacist, pharmacist.get_by_role("link", name="处方审核"))
    pharmacist_reviews(pharmacist, approve=True)

    click_and_wait(patient, patient.get_by_role("link", name="我的处方"))
    assert "审核通过" in patient.content() and "已退回医生" in patient.content()


def test_termination_offers_in_person_care(app, live_server, person):
    names = accounts()
    patient = person("patient", phone=True)
    patient_requests_follow_up(patient, live_server, names["patient"])

    doctor = person("doctor")
    doctor_opens_visit_from_workbench(doctor, live_server, names["doctor"])
    click_and_wait(doctor, doctor.get_by_role("button", name="开始接诊"))
    explanation = "咳嗽加重并伴发热胸痛，病情已变化，需到门诊当面检查"
    stop = doctor.locator("form", has=doctor.get_by_role("button", name="终止互联网诊疗"))
    stop.get_by_label("原因").select_option(label="病情发生变化")
    stop.get_by_label("向患者说明").fill(explanation)
    click_and_wait(doctor, stop.get_by_role("button", name="终止互联网诊疗"))
    assert "已终止互联网诊疗" in doctor.content()
    # Prescribing is locked: the reason is shown and the editor cannot be opened.
    assert "暂不能开具处方" in doctor.content()
    assert doctor.get_by_role("button", name="开具处方").count() == 0
    assert doctor.get_by_role("button", name="终止互联网诊疗").count() == 0

    click_and_wait(patient, patient.get_by_role("link", name="我的就诊").first)
    click_and_wait(patient, patient.get_by_role("link", name="在线复诊").first)
    stopped = patient.get_by_role("alert").filter(has_text="互联网诊疗已终止")
    assert "病情发生变化" in stopped.inner_text()
    assert explanation in stopped.inner_text()
    assert "医生判断您需要线下面诊" in stopped.inner_text()
    click_and_wait(patient, stopped.get_by_role("button", name="预约线下就诊"))
    assert "已预约线下就诊，门诊将与您确认就诊时间。" in patient.content()
    assert patient.get_by_role("link", name="已终止的在线就诊").count() == 1
