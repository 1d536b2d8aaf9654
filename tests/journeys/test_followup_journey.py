"""Follow-up (随访) and adverse reactions (不良反应) as their people use them (issue 19). The doctor
sets a 中药疗程 plan from the visit page, started three days ago; the patient (phone) finds the
day-3 questionnaire due under 我的随访, answers it with worse symptoms, and reports loose stools
as an adverse reaction (a first try without the severity is refused beside the field). The
doctor's workbench then points to the alert; the follow-up list puts the patient first; a phone
call recorded on the plan handles the alert. The pharmacist assesses the reaction from its list
and the quality officer records the report to the monitoring system."""

from datetime import timedelta

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services.clock import clinic_today
from tests.factories import PASSWORD, approved_prescription, create_pharmacist, create_user
from tests.journeys.conftest import sign_in
from tests.journeys.test_prescription_journeys import click_and_wait

WORSE = {
    "与开始服药前相比，您的主要症状怎么样？": "有所加重",
    "您是否按医嘱服药？": "全部按时服用",
    "服药后有没有不适": "没有",
    "服药期间大便情况如何？": "偏稀或偏干",
    "与开始服药前相比，您的食欲怎么样？": "没有变化",
    "与开始服药前相比，您的睡眠怎么样？": "有所好转",
}


def menu_link(page, name):
    return page.get_by_role("navigation", name="主菜单").get_by_role("link", name=name)


def doctor_sets_the_plan(desk, base, encounter_id, started):
    desk.goto(f"{base}/encounters/{encounter_id}")
    click_and_wait(desk, desk.get_by_role("link", name="制定随访计划"))
    assert (
        desk.get_by_label("模板").locator("option:checked").inner_text().startswith("中药疗程随访")
    )
    desk.get_by_label("开始日期（开始服药或治疗的当天）").fill(started.isoformat())
    desk.get_by_label("关联处方").select_option(index=1)
    desk.get_by_label("给患者的话").fill("服药期间忌生冷油腻")
    click_and_wait(desk, desk.get_by_role("button", name="制定计划"))
    assert "随访计划已制定，已通知患者。" in desk.locator(".flash").inner_text()
    assert desk.get_by_role("heading", name="中药疗程随访（第3、7、14天）").is_visible()


def patient_answers_the_due_questionnaire(phone):
    click_and_wait(phone, menu_link(phone, "我的随访"))
    assert "服药期间忌生冷油腻" in phone.locator("main").inner_text()
    click_and_wait(phone, phone.get_by_role("link", name="立即填写"))
    for question, answer in WORSE.items():
        phone.locator("fieldset.question", has_text=question).get_by_text(
            answer, exact=True
        ).click()
    phone.get_by_label("还想告诉医生的情况").fill("这两天胃胀又重了")
    click_and_wait(phone, phone.get_by_role("button", name="提交回答"))
    assert "谢谢，您的回答已送达医生。" in phone.locator(".flash").inner_text()
    assert "医生已收到提醒，如有需要会联系您。" in phone.locator("main").inner_text()


def patient_reports_a_reaction(phone, watcher, today):
    click_and_wait(phone, phone.get_by_role("link", name="报告不良反应"))
    click_and_wait(phone, phone.locator("a.item-link").first)
    phone.get_by_label("开始出现的日期").fill(today.isoformat())
    phone.get_by_label("发生了什么（症状、时间、已采取的处理）").fill(
        "服药第二天起大便偏稀，每日两次"
    )
    watcher.expect("status of 422")
    click_and_wait(phone, phone.get_by_role("button", name="提交报告"))
    assert "请选择严重程度。" in phone.locator(".has-error").inner_text()
    assert (
        "服药第二天起大便偏稀"
        in phone.get_by_label("发生了什么（症状、时间、已采取的处理）").input_value()
    )
    phone.get_by_text("轻度", exact=True).click()
    phone.get_by_label("当归").check()
    click_and_wait(phone, phone.get_by_role("button", name="提交报告"))
    assert "待药师评价" in phone.locator("main").inner_text()
    assert "当归 10g （怀疑）" in phone.locator("main").inner_text()


def doctor_handles_the_alert(desk, base, patient_name):
    desk.goto(f"{base}/workbench")
    assert "1位患者的随访反馈需要您关注。" in desk.locator("main").inner_text()
    click_and_wait(desk, desk.get_by_role("link", name="打开随访列表"))
    first = desk.locator("tbody tr").first
    assert patient_name in first.inner_text() and "症状加重" in first.inner_text()
    click_and_wait(desk, first.get_by_role("link", name="打开"))
    assert "这两天胃胀又重了" in desk.locator("main").inner_text()
    desk.get_by_label("联系方式").select_option(label="电话")
    desk.get_by_label("沟通内容及处理意见").fill("电话随访：嘱清淡饮食，三日后复评")
    click_and_wait(desk, desk.get_by_role("button", name="保存联系记录"))
    assert "联系记录已保存。" in desk.locator(".flash").inner_text()
    assert "已处理" in desk.locator("#tasks-title + p, .fu-tasks").first.inner_text()
    desk.goto(f"{base}/workbench")
    assert "随访反馈需要您关注" not in desk.locator("main").inner_text()


def test_a_follow_up_plan_an_alert_and_an_adverse_reaction(app, live_server, person, watcher):
    rx = approved_prescription()
    pharmacist = create_pharmacist(username="journey-pharmacist")
    officer = create_user(Role.QUALITY, username="journey-quality")
    logins = (rx.patient.user.username, rx.doctor.username, pharmacist.username, officer.username)
    encounter_id, patient_name = rx.encounter_id, rx.patient.legal_name
    db.session.commit()
    db.session.remove()
    patient_login, doctor_login, pharmacist_login, officer_login = logins
    today = clinic_today()

    desk = person("doctor")
    sign_in(desk, live_server, doctor_login, PASSWORD)
    doctor_sets_the_plan(desk, live_server, encounter_id, today - timedelta(days=3))

    phone = person("patient", phone=True)
    sign_in(phone, live_server, patient_login, PASSWORD)
    patient_answers_the_due_questionnaire(phone)
    patient_reports_a_reaction(phone, watcher, today)

    doctor_handles_the_alert(desk, live_server, patient_name)

    review = person("pharmacist")
    sign_in(review, live_server, pharmacist_login, PASSWORD)
    click_and_wait(review, menu_link(review, "不良反应"))
    click_and_wait(review, review.locator("a.item-link", has_text=patient_name))
    review.get_by_label("关联性评价").select_option(label="很可能")
    review.get_by_label("评价及处理意见").fill("当归润肠，与腹泻相关可能性大；建议医生酌情减量")
    click_and_wait(review, review.get_by_role("button", name="保存评价"))
    assert "评价已保存。" in review.locator(".flash").inner_text()

    office = person("quality")
    sign_in(office, live_server, officer_login, PASSWORD)
    click_and_wait(office, menu_link(office, "不良反应"))
    item = office.locator("a.item-link", has_text=patient_name)
    assert "已评价，待上报" in item.inner_text()
    click_and_wait(office, item)
    office.get_by_label("国家药品不良反应监测系统报告编号").fill("ADR-2026-000123")
    click_and_wait(office, office.get_by_role("button", name="保存上报记录"))
    assert "报告编号ADR-2026-000123" in office.locator("main").inner_text()
