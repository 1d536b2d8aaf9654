"""拍方抓药 as its people use it (issue 20, the intake): the patient (phone) photographs a paper
prescription from another hospital — a first try without the declaration is refused beside the
box, the details kept — adds a second page, and sends it; the pharmacist finds it in the outside
prescriptions queue and reads both pages (each opens full size). The review: checks in turn,
the transcription, a question answered, approval or refusal as each side reads it."""

from external_rx.services import submissions
from external_rx.services.demo import LIZHONG, prescription_photo
from tcm_app.extensions import db
from tcm_app.services.clock import clinic_today
from tests.factories import (
    PASSWORD,
    SIGNING_PASSWORD,
    create_patient,
    create_pharmacist,
    png_bytes,
)
from tests.journeys.conftest import sign_in
from tests.journeys.test_prescription_journeys import click_and_wait, pick_herb


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


def sent_for_review(patient):
    """A patient's outside prescription as the intake journey above leaves it: waiting."""
    values = {
        "institution": "北京市东城区中医医院", "doctor_name": "李建华",
        "written_on": clinic_today(), "declared": True, "first_page": png_bytes(width=92),
    }  # fmt: skip
    submission = submissions.start(patient.user, patient, **values)
    submissions.submit(submission, patient.user)
    return submission


def confirm(desk, times: int) -> None:
    for _ in range(times):
        click_and_wait(desk, desk.get_by_role("button", name="确认此项"))
        assert "已确认此项" in desk.locator(".flash").inner_text()


def test_the_pharmacist_checks_transcribes_asks_and_approves(app, live_server, person, watcher):
    """The pharmacist confirms each check in turn (the number first forgotten, refused beside
    its box), transcribes with the herb search, asks the patient a question the patient answers
    on the phone, and approves with the signing password; the patient reads the transcription as
    an outside prescription."""
    patient = create_patient(name="钱芳")
    pharmacist = create_pharmacist(username="review-ph")
    submission_id = sent_for_review(patient).id
    logins = (patient.user.username, pharmacist.username)
    db.session.commit()
    db.session.remove()

    desk = person("pharmacist")
    sign_in(desk, live_server, logins[1], PASSWORD)
    click_and_wait(desk, menu_link(desk, "拍方抓药"))
    click_and_wait(desk, desk.get_by_role("row").filter(has_text="钱芳").get_by_role("link"))
    assert "账户信息：钱芳" not in desk.locator("main").inner_text()  # shown at its own check
    confirm(desk, 2)
    assert "账户信息：钱芳" in desk.locator("main").inner_text()
    confirm(desk, 2)
    watcher.expect("status of 422")
    click_and_wait(desk, desk.get_by_role("button", name="确认此项"))
    assert "请填写处方笺上印的处方编号" in desk.locator(".has-error").inner_text()
    desk.get_by_label("处方笺上的处方编号").fill("DC-2026-0815")
    click_and_wait(desk, desk.get_by_role("button", name="确认此项"))

    pick_herb(desk, 0, "dangshen", "党参", "9")
    pick_herb(desk, 1, "ganjiang", "干姜", "6")
    desk.locator("#live-findings").get_by_text("未发现问题").wait_for()
    click_and_wait(desk, desk.get_by_role("button", name="保存并审查"))
    assert "转录已保存" in desk.locator(".flash").inner_text()
    assert "党参" in desk.locator("#decide").inner_text()
    desk.get_by_label("向患者提问").fill("处方笺第二味药字迹不清，是干姜还是生姜？")
    click_and_wait(desk, desk.get_by_role("button", name="向患者提问"))
    assert "药师有问题请您回答" in desk.locator("[data-status]").inner_text()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, logins[0], PASSWORD)
    click_and_wait(phone, menu_link(phone, "拍方抓药"))
    click_and_wait(phone, phone.get_by_role("link", name="北京市东城区中医医院"))
    assert "干姜还是生姜" in phone.locator(".ext-thread").inner_text()
    phone.get_by_label("您的回答").fill("是干姜，医生写的是干姜6克。")
    click_and_wait(phone, phone.get_by_role("button", name="发送答复"))
    assert "回答已发送" in phone.locator(".flash").inner_text()

    desk.reload()
    assert "是干姜" in desk.locator(".ext-thread").inner_text()
    desk.get_by_label("签名密码").fill("wrong-password")
    watcher.expect("status of 403")
    click_and_wait(desk, desk.get_by_role("button", name="签名并审核通过"))
    assert "签名密码错误" in desk.locator("#decide").inner_text()
    desk.get_by_label("签名密码").fill(SIGNING_PASSWORD)
    click_and_wait(desk, desk.get_by_role("button", name="签名并审核通过"))
    assert "已审核通过" in desk.locator(".flash").inner_text()

    phone.reload()
    main = phone.locator("main").inner_text()
    assert "审核通过，可以下单" in main and "外院处方：北京市东城区中医医院 李建华开具" in main
    assert "党参" in phone.locator("#decide").inner_text()
    assert f"/external_rx/{submission_id}" in phone.url


def test_a_refusal_reaches_the_patient_with_its_reason(app, live_server, person):
    patient = create_patient(name="孙立")
    pharmacist = create_pharmacist(username="refuse-ph")
    sent_for_review(patient)
    logins = (patient.user.username, pharmacist.username)
    db.session.commit()
    db.session.remove()

    desk = person("pharmacist")
    sign_in(desk, live_server, logins[1], PASSWORD)
    click_and_wait(desk, menu_link(desk, "拍方抓药"))
    click_and_wait(desk, desk.get_by_role("row").filter(has_text="孙立").get_by_role("link"))
    desk.get_by_label("理由（患者可见）").fill("照片不是处方笺，是检查报告单。")
    click_and_wait(desk, desk.get_by_role("button", name="以此理由驳回"))
    assert "已驳回" in desk.locator(".flash").inner_text()

    phone = person("patient", phone=True)
    sign_in(phone, live_server, logins[0], PASSWORD)
    click_and_wait(phone, menu_link(phone, "拍方抓药"))
    click_and_wait(phone, phone.get_by_role("link", name="北京市东城区中医医院"))
    assert "照片不是处方笺，是检查报告单。" in phone.locator("[data-refusal]").inner_text()


def checked_and_transcribed(desk, herbs) -> None:
    confirm(desk, 4)
    desk.get_by_label("处方笺上的处方编号").fill("DC-2026-0999")
    confirm(desk, 1)
    for row, (typed, herb, grams) in enumerate(herbs):
        pick_herb(desk, row, typed, herb, grams)


def test_an_incompatible_pair_needs_the_writers_signature_and_a_second_pharmacist(
    app, live_server, person
):
    """甘草 with 海藻 (十八反): approval is withheld until the pharmacist records that the writer
    signed again beside the pair on the paper and a second pharmacist signs; then approved."""
    patient = create_patient(name="周云")
    first = create_pharmacist(username="first-ph")
    second = create_pharmacist(username="second-ph")
    sent_for_review(patient)
    logins = (first.username, second.username)
    db.session.commit()
    db.session.remove()

    desk = person("pharmacist")
    sign_in(desk, live_server, logins[0], PASSWORD)
    click_and_wait(desk, menu_link(desk, "拍方抓药"))
    click_and_wait(desk, desk.get_by_role("row").filter(has_text="周云").get_by_role("link"))
    checked_and_transcribed(desk, [("gancao", "甘草", "6"), ("haizao", "海藻", "10")])
    desk.locator("#live-findings").get_by_text("十八反").first.wait_for()
    click_and_wait(desk, desk.get_by_role("button", name="保存并审查"))
    blockers = desk.locator("[data-approval-problems]").inner_text()
    assert "开方医师在处方笺上该药旁再次签名" in blockers and "第二名药师签名" in blockers
    assert desk.get_by_role("button", name="签名并审核通过").count() == 0
    desk.get_by_label("开方医师已在每处配伍禁忌或超剂量药味旁再次签名").check()
    click_and_wait(desk, desk.get_by_role("button", name="保存并审查"))
    assert "请同事打开本页面" in desk.locator("#decide").inner_text()

    colleague = person("pharmacist")
    sign_in(colleague, live_server, logins[1], PASSWORD)
    click_and_wait(colleague, menu_link(colleague, "拍方抓药"))
    click_and_wait(
        colleague, colleague.get_by_role("row").filter(has_text="周云").get_by_role("link")
    )
    colleague.get_by_label("核对内容").fill("已核对处方笺：原开方医师在甘草、海藻旁再次签名。")
    colleague.get_by_label("签名密码").fill(SIGNING_PASSWORD)
    click_and_wait(colleague, colleague.get_by_role("button", name="作为第二药师签名"))
    assert "已作为第二药师签名" in colleague.locator(".flash").inner_text()

    desk.reload()
    assert "第二药师：" in desk.locator("#decide").inner_text()
    desk.get_by_label("签名密码").fill(SIGNING_PASSWORD)
    click_and_wait(desk, desk.get_by_role("button", name="签名并审核通过"))
    assert "审核通过，可以下单" in desk.locator("[data-status]").inner_text()


def test_the_pharmacist_confirms_each_line_read_from_the_photo(app, live_server, person, watcher):
    """The OCR assist (tesseract, installed by make test) proposes the printed slip's lines;
    saving with a line not ticked is refused; the pharmacist corrects what was misread, ticks
    each line, and the transcription is saved with the catalogue's herbs."""
    patient = create_patient(name="吴桐")
    pharmacist = create_pharmacist(username="ocr-ph")
    photo = prescription_photo(
        "北京市东城区中医医院", "DC-2026-0999", patient, clinic_today(), LIZHONG, "李建华"
    )
    submission = submissions.start(
        patient.user, patient, institution="北京市东城区中医医院", doctor_name="李建华",
        written_on=clinic_today(), declared=True, first_page=photo,
    )  # fmt: skip
    submissions.submit(submission, patient.user)
    login = pharmacist.username
    db.session.commit()
    db.session.remove()

    desk = person("pharmacist")
    sign_in(desk, live_server, login, PASSWORD)
    click_and_wait(desk, menu_link(desk, "拍方抓药"))
    click_and_wait(desk, desk.get_by_role("row").filter(has_text="吴桐").get_by_role("link"))
    confirm(desk, 4)
    desk.get_by_label("处方笺上的处方编号").fill("DC-2026-0999")
    confirm(desk, 1)
    click_and_wait(desk, desk.get_by_role("button", name="从照片识别药味（需逐行确认）"))
    assert "已从照片识别出4行" in desk.locator(".flash").inner_text()
    names = desk.locator("input.herb-name")
    assert [names.nth(i).input_value() for i in range(3)] == ["党参", "白术", "干姜"]
    assert "识别为：" in desk.locator(".rx-row").first.inner_text()
    watcher.expect("status of 422")
    click_and_wait(desk, desk.get_by_role("button", name="保存并审查"))
    assert "请逐行核对照片识别出的药味" in desk.locator("main").inner_text()
    if names.nth(3).input_value() != "炙甘草":  # a misread name is corrected by hand
        names.nth(3).fill("")
        pick_herb(desk, 3, "zhigancao", "炙甘草", "6")
    ticks = desk.get_by_label("确认此行")
    for i in range(ticks.count()):
        ticks.nth(i).check()
    click_and_wait(desk, desk.get_by_role("button", name="保存并审查"))
    assert "转录已保存" in desk.locator(".flash").inner_text()
    assert "炙甘草" in desk.locator("#decide").inner_text()
