"""The constitution questionnaire as a patient takes it on a phone (issue 18): from the menu,
five questions a page with the progress shown; a tick is saved at once (the page is left without
turning it and the answer is there on return); "save and continue later" resumes on the same
page; the review names the question left out, and submitting is refused until it is answered;
the result shows the verdict in plain words, the bar chart and the care advice; a second
assessment names the change ("气虚质 …→…") and draws the trend."""

import re

from tcm_app.extensions import db
from tests.factories import PASSWORD, create_patient
from tests.journeys.conftest import sign_in
from tests.journeys.test_prescription_journeys import click_and_wait, doctor_at_diagnosed_visit

PAGES = 12  # 60 questions, five a page


def menu(page):
    return page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的体质")


def tick_page(page, answer: str, skip: int | None = None) -> None:
    # A click waits for the next page to start loading, not for it to be parsed: counting the
    # questions then could miss the last ones. The buttons come after every question.
    page.locator(".cq-nav").wait_for()
    questions = page.locator("fieldset.question")
    for index in range(questions.count()):
        if index != skip:
            questions.nth(index).get_by_text(answer, exact=True).click()


def next_page(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="下一页").click()


def take_questionnaire(phone, answer: str, leave_one_out: bool = False) -> None:
    menu(phone).click()
    click_and_wait(phone, phone.get_by_role("button", name="开始测评"))
    for number in range(1, PAGES + 1):
        assert f"第 {number} 页，共 {PAGES} 页" in phone.locator(".cq-progress-box").inner_text()
        tick_page(phone, answer, skip=2 if leave_one_out and number == 11 else None)
        if number < PAGES:
            next_page(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="查看我的回答").click()


def test_patient_takes_resumes_and_submits_the_constitution_questionnaire(
    app, live_server, person, watcher
):
    patient = create_patient(sex="female", name="赵敏")
    db.session.commit()
    username = patient.user.username
    db.session.remove()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, username, PASSWORD)
    menu(phone).click()
    click_and_wait(phone, phone.get_by_role("button", name="开始测评"))
    assert "您手脚发凉吗？" in phone.locator("main").inner_text()

    # A tick is saved at once: leave by the menu without turning the page, come back.
    with phone.expect_response(re.compile(r"/page/1$")):
        phone.locator("fieldset.question").first.get_by_text("经常（相当）").click()
    menu(phone).click()
    assert "已答 1/60 题" in phone.locator("main").inner_text()
    phone.get_by_role("link", name="继续").click()
    assert phone.locator("fieldset.question").first.get_by_label("经常（相当）").is_checked()

    # Answer two pages, then "save and continue later": it resumes on page 3.
    tick_page(phone, "很少（有一点）")
    next_page(phone)
    tick_page(phone, "很少（有一点）")
    next_page(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存，稍后继续").click()
    assert "已保存您的回答" in phone.locator(".flash").inner_text()
    assert "已答 10/60 题" in phone.locator("main").inner_text()
    phone.get_by_role("link", name="继续").click()
    assert "第 3 页，共 12 页" in phone.locator(".cq-progress-box").inner_text()

    for number in range(3, PAGES + 1):
        tick_page(phone, "很少（有一点）", skip=2 if number == 11 else None)
        button = "下一页" if number < PAGES else "查看我的回答"
        with phone.expect_navigation():
            phone.get_by_role("button", name=button).click()

    # The review names the question left out; submitting is refused until it is answered.
    missing = phone.locator("#missing")
    assert "尚未回答：1 题" in missing.inner_text()
    assert "您多愁善感、感情脆弱吗？" in missing.inner_text()
    watcher.expect("status of 422")  # the refused submission answers 422, on purpose
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交并查看结果").click()
    assert "1 道题尚未回答" in phone.locator(".form-errors").inner_text()
    missing.get_by_role("link").first.click()
    phone.locator("#q-qiyu_3").get_by_text("很少（有一点）").click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="下一页").click()
    phone.goto(phone.url.rsplit("/page/", 1)[0] + "/review")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交并查看结果").click()

    # The result: plain words, nine bars, the advice with its sources.
    phone.wait_for_url(re.compile(r"/constitution/a/\d+$"))
    main = phone.locator("main")
    assert "您基本是平和质" in main.locator(".cq-verdict").inner_text() or "您是平和质" in (
        main.locator(".cq-verdict").inner_text()
    )
    assert phone.locator("svg.cq-bars rect.cq-bar").count() == 9
    assert "饮食调养" in main.inner_text() and "穴位保健" in main.inner_text()

    # A second assessment, answered "often": the change is named and the trend drawn.
    take_questionnaire(phone, "经常（相当）")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交并查看结果").click()
    changes = phone.locator(".cq-changes").inner_text()
    assert re.search(r"气虚质 \d+ → \d+", changes), changes
    assert "您的体质：气虚质" in main.locator(".cq-verdict").inner_text()
    menu(phone).click()
    assert phone.locator("svg.cq-trend polyline").count() >= 2
    assert phone.locator(".item-list .item").count() == 2
    for item in phone.locator(".item-list .item").all():  # the clinic's date, not a timestamp
        assert re.match(r"\d{4}-\d{2}-\d{2} · ", item.inner_text()), item.inner_text()


def test_doctor_asks_for_the_questionnaire_and_confirms_another_constitution(
    app, live_server, person
):
    """At the visit the doctor asks for the questionnaire; the patient finds the request under
    My constitution and takes it on the phone; the visit page shows the result beside the tongue
    observations; the doctor confirms a different constitution with a note, which the patient
    then reads on the result."""
    _, patient, doctor = doctor_at_diagnosed_visit(person, live_server)
    panel = doctor.locator("#constitution")
    assert "患者尚未做体质测评。" in panel.inner_text()
    panel.get_by_text("请患者做体质测评").click()
    panel.get_by_label("给患者的话").fill("下周复诊前请完成")
    click_and_wait(doctor, panel.get_by_role("button", name="发送请求"))
    assert "已请患者做体质测评。" in doctor.locator(".flash").inner_text()

    menu(patient).click()
    assert "医生请您做体质测评" in patient.locator("main").inner_text()
    assert "下周复诊前请完成" in patient.locator("main").inner_text()
    click_and_wait(patient, patient.get_by_role("button", name="开始测评"))
    for number in range(1, PAGES + 1):
        tick_page(patient, "很少（有一点）")
        button = "下一页" if number < PAGES else "查看我的回答"
        with patient.expect_navigation():
            patient.get_by_role("button", name=button).click()
    with patient.expect_navigation():
        patient.get_by_role("button", name="提交并查看结果").click()
    assert "医生请您做体质测评" not in patient.locator("main").inner_text()

    doctor.goto(live_server + "/")  # the workbench names the answer and links its result
    workbench = doctor.locator("section", has=doctor.get_by_role("heading", name="体质测评"))
    assert "王丽 · 您" in workbench.inner_text()
    doctor.go_back()
    doctor.reload()
    panel = doctor.locator("#constitution")
    assert "的测评" in panel.inner_text()
    assert panel.locator("svg.cq-bars rect.cq-bar").count() == 9
    tongue = doctor.get_by_role("heading", name="舌象").first
    assert tongue.count() == 1  # the tongue card is on the same page, before this one
    panel.get_by_label("气虚质", exact=True).first.check()
    panel.get_by_label("平和质", exact=True).first.uncheck()
    panel.get_by_label("备注").fill("面色少华，舌淡边有齿痕")
    click_and_wait(doctor, panel.get_by_role("button", name="确认", exact=True))
    assert "体质已确认。" in doctor.locator(".flash").inner_text()
    assert "确认的体质：气虚质" in doctor.locator("#constitution").inner_text()

    patient.reload()
    assert "确认的体质：气虚质" in patient.locator(".cq-verdict").inner_text()

    # 治未病: the doctor enrols the patient for 气虚质, reassessed every 30 days.
    panel = doctor.locator("#constitution")
    panel.get_by_text("纳入治未病调理计划").click()
    assert panel.get_by_label("调理的体质").input_value() == "qixu"  # the confirmed one
    panel.get_by_label("目标与建议").fill("补气健脾，早睡，每日散步")
    panel.get_by_label("每隔几天复测").fill("30")
    click_and_wait(doctor, panel.get_by_role("button", name="纳入", exact=True))
    assert "已将患者纳入调理计划。" in doctor.locator(".flash").inner_text()
    assert "调理计划：气虚质" in doctor.locator("#constitution").inner_text()
    menu(patient).click()
    plan = patient.locator("main").get_by_role("heading", name="调理计划：气虚质")
    assert plan.count() == 1
    assert "补气健脾，早睡，每日散步" in patient.locator("main").inner_text()
