"""The demo's elder and her son on a phone (390x844), as they do it in Chromium (issue 22).

陈桂兰 (demo-elder, 长辈模式 on) signs in and finds the four large buttons; each leads somewhere:
her visit today, her medicine (seven prescriptions here: five on the first screen, 查看更多 shows
the other two, every one reachable once), her message that the medicine is on its way and the
order it opens, her next treatment, and the clinic's phone number. Her son 刘志刚 (demo-family),
acting for her with her consent, signs in and opens her visit."""

import re

from sqlalchemy import select

from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.patients import Patient
from tcm_app.services.demo import DEMO_PASSWORD, ELDER, FAMILY, seed_demo
from tests.factories import signed_prescription
from tests.journeys.conftest import sign_in
from tests.journeys.test_elder_mode_journey import MEASURE

TASKS = ["我今天的就诊", "我的药", "我的下次治疗", "打电话给医院"]


def check_large(page, where: str) -> None:
    """Body text of 20 px or more, no target under 56x56, no text under 7:1, no sideways scroll."""
    measured = page.evaluate(MEASURE)
    assert measured["body"] >= 20 and measured["smallest"] >= 20, (where, measured)
    assert measured["small"] == [], (where, measured["small"])
    assert measured["low"] == [], (where, measured["low"])
    assert not measured["sideways"], where


def task(page, name: str):
    return page.locator(".elder-task", has_text=name)


def prescription_links(page) -> list[str]:
    return page.locator("main section.card h2 a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def test_the_demo_elder_follows_each_large_button_and_her_son_acts_for_her(
    app, live_server, person
):
    seed_demo()
    elder = db.session.scalar(
        select(Patient).join(User, User.id == Patient.user_id).where(User.username == ELDER)
    )
    for _ in range(6):  # with the demo's one: seven, more than one screen holds
        signed_prescription(patient=elder)
    db.session.commit()
    db.session.remove()

    grandma = person("elder", phone=True)
    sign_in(grandma, live_server, ELDER, DEMO_PASSWORD)
    assert grandma.locator(".elder-task-label").all_inner_texts() == TASKS
    for name in TASKS:
        box = task(grandma, name).bounding_box()
        assert box["height"] >= 56 and box["width"] >= 300, (name, box)  # a full-width button
    check_large(grandma, "elder home")

    # 我今天的就诊: the visit at the clinic today.
    task(grandma, "我今天的就诊").click()
    grandma.wait_for_load_state()
    assert re.search(r"/encounters/\d+$", grandma.url), grandma.url
    visit_path = grandma.url.removeprefix(live_server)
    assert "腰膝酸软" in grandma.content()
    grandma.go_back()

    # 我的药: five prescriptions on the first screen, 查看更多 for the other two.
    task(grandma, "我的药").click()
    grandma.wait_for_load_state()
    assert grandma.url.endswith("/herbs/mine")
    first = prescription_links(grandma)
    assert len(first) == 5
    assert grandma.get_by_text("第 1 至 5 条，共 7 条。").is_visible()
    assert grandma.get_by_role("link", name="上一页").count() == 0
    check_large(grandma, "my medicine, first screen")
    grandma.get_by_role("link", name="查看更多").click()
    grandma.wait_for_load_state()
    rest = prescription_links(grandma)
    assert len(rest) == 2 and set(first).isdisjoint(rest)
    assert grandma.get_by_role("link", name="查看更多").count() == 0
    check_large(grandma, "my medicine, second screen")
    grandma.get_by_role("link", name="上一页").click()
    grandma.wait_for_load_state()
    assert prescription_links(grandma) == first

    # The medicine is on its way: the message says so and opens the order.
    grandma.get_by_role("link", name=re.compile("消息")).first.click()
    grandma.wait_for_load_state()
    grandma.get_by_role("button", name=re.compile("您的中药已发货")).click()
    grandma.wait_for_load_state()
    assert re.search(r"/decoction/orders/\d+$", grandma.url), grandma.url
    assert "已发货" in grandma.content()

    # 我的下次治疗: her 推拿, upcoming.
    grandma.get_by_role("link", name="我的就诊").first.click()
    grandma.wait_for_load_state()
    task(grandma, "我的下次治疗").click()
    grandma.wait_for_load_state()
    assert grandma.url.endswith("/treatments/")
    upcoming = grandma.locator("section[aria-labelledby='upcoming-title']").inner_text()
    assert "推拿" in upcoming, upcoming
    check_large(grandma, "my treatments")

    # 打电话给医院: the phone dials the clinic.
    grandma.go_back()
    assert task(grandma, "打电话给医院").get_attribute("href").startswith("tel:")

    # Her son, acting for her with her consent: her visit is on his list and opens.
    son = person("son", phone=True)
    sign_in(son, live_server, FAMILY, DEMO_PASSWORD)
    assert son.locator(".elder-tasks").count() == 0  # his own account keeps the normal mode
    her_visit = son.locator(f"a.item-link[href='{visit_path}']")
    assert "就诊人：陈桂兰" in her_visit.inner_text()
    her_visit.click()
    son.wait_for_load_state()
    assert son.url.endswith(visit_path)
    assert "腰膝酸软" in son.content() and "陈桂兰" in son.content()
