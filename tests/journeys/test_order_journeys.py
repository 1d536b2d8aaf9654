"""Herb orders and fees as people perform them, in real Chromium: the patient (on a phone) orders
decoction with delivery from an approved prescription, sees the itemised price, pays through the
sandbox provider and follows every stage to the door while two decoction-room staff (on desktops)
move the order, the second one checking (复核) what the first dispensed; the patient pays an
online visit's fee; a paid order cancelled before dispensing shows as refunded.

The room's soaking and decocting have minimum times: the clock (time-machine, which the threaded
live server follows) is moved on instead of waiting."""

import re
from datetime import UTC, datetime, timedelta

import time_machine

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.decoction.test_order_service import address_of
from tests.factories import PASSWORD, approved_prescription, create_encounter, create_user
from tests.journeys.conftest import sign_in


def stage_of(page) -> str:
    return page.locator("h1 small").inner_text()


def open_order_from_queue(page, stage: str, order_id: int) -> None:
    """From the decoction room's work list (their home page), open the order in `stage`."""
    section = page.locator("section", has=page.get_by_role("heading", name=re.compile(stage)))
    section.get_by_role("link", name=f"订单 {order_id}").click()
    page.wait_for_load_state()


def move(page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    assert "已记录" in page.inner_text("body"), page.inner_text("main")[:400]


def patient_orders_and_pays(page, base, username) -> int:
    sign_in(page, base, username, PASSWORD)
    page.get_by_role("link", name="我的处方").click()
    page.locator("main h2 a").first.click()
    page.get_by_role("link", name="购买中药").click()
    price = page.locator("details[open]")
    assert "代煎费" in price.inner_text() and "配送费" in price.inner_text()
    page.get_by_label(re.compile("代煎")).check()
    page.get_by_label("配送到我的地址").check()
    page.get_by_role("button", name="提交订单").click()
    page.wait_for_url(re.compile(r".*/decoction/orders/\d+$"))
    order_id = int(page.url.rsplit("/", 1)[1])
    assert stage_of(page) == "等待付款"
    total = re.search(r"支付 ¥([\d.]+)", page.inner_text("main")).group(1)
    page.get_by_role("button", name=f"支付 ¥{total}").click()
    page.wait_for_url(re.compile(r".*/payments/sandbox/.*"))
    assert "沙箱" in page.inner_text("main") and f"¥{total}" in page.inner_text("main")
    page.get_by_role("button", name="确认支付").click()
    page.wait_for_url(re.compile(rf".*/decoction/orders/{order_id}$"))
    assert "支付成功" in page.inner_text("main") and stage_of(page) == "已付款"
    return order_id


def test_patient_pays_and_follows_decoction_to_the_door(app, live_server, person):
    with time_machine.travel(datetime.now(UTC), tick=True) as clock:
        rx = approved_prescription()
        address_of(rx)
        dispenser = create_user(Role.DECOCTION, username="room-dispenser", full_name="配药员")
        checker = create_user(Role.DECOCTION, username="room-checker", full_name="复核员")
        patient_name, herbs = (
            rx.encounter.patient.user.username,
            [(line.herb.name, line.dose_g * rx.packets) for line in rx.lines],
        )
        staff = (dispenser.username, checker.username)
        db.session.commit()
        db.session.remove()

        patient = person("patient", phone=True)
        order_id = patient_orders_and_pays(patient, live_server, patient_name)

        one = person("dispenser")
        sign_in(one, live_server, staff[0], PASSWORD)
        assert one.get_by_role("heading", name="煎药室", level=1).is_visible()  # their home
        open_order_from_queue(one, "已付款", order_id)
        for name, grams in herbs:
            one.get_by_label(re.compile(name)).fill(str(grams))
        move(one, "已调配")
        patient.reload()
        assert stage_of(patient) == "已调配"

        two = person("checker")
        sign_in(two, live_server, staff[1], PASSWORD)
        open_order_from_queue(two, "已调配", order_id)
        move(two, "已复核")  # a second person checks what the first dispensed
        move(two, "开始浸泡")
        patient.reload()
        assert stage_of(patient) == "浸泡中"

        clock.shift(timedelta(minutes=31))
        move(two, "浸泡完成")
        two.get_by_label("煎药机").fill("2号机")
        move(two, "开始煎煮")
        patient.reload()
        assert stage_of(patient) == "煎煮中"

        clock.shift(timedelta(minutes=45))
        move(two, "煎煮完成")
        move(two, "已包装")  # the plan's bag count and volume, as filled in
        two.get_by_label("快递公司").fill("顺丰速运")
        two.get_by_label("运单号").fill("SF1234567890")
        move(two, "已发货")
        patient.reload()
        assert stage_of(patient) == "已发货" and "SF1234567890" in patient.inner_text("main")

        move(two, "已送达")
        patient.reload()
        assert stage_of(patient) == "已送达"
        progress = patient.locator("#order-timeline").inner_text()
        for stage in (
            "已付款",
            "已调配",
            "已复核",
            "浸泡中",
            "煎煮中",
            "已包装",
            "已发货",
            "已送达",
        ):
            assert stage in progress, stage


def test_patient_pays_the_visit_fee(app, live_server, person):
    encounter = create_encounter()
    username, encounter_id = encounter.patient.user.username, encounter.id
    db.session.commit()
    db.session.remove()

    page = person("patient", phone=True)
    sign_in(page, live_server, username, PASSWORD)
    page.locator(f"a[href='/encounters/{encounter_id}']").first.click()
    fee = page.locator("section", has=page.get_by_role("heading", name="诊查费"))
    assert "¥25.00" in fee.inner_text()
    fee.get_by_role("button", name="支付诊查费 ¥25.00").click()
    page.wait_for_url(re.compile(r".*/payments/sandbox/.*"))
    assert "在线诊查费" in page.inner_text("main")
    page.get_by_role("button", name="确认支付").click()
    page.wait_for_url(re.compile(rf".*/encounters/{encounter_id}$"))
    fee = page.locator("section", has=page.get_by_role("heading", name="诊查费"))
    assert "已付款" in fee.inner_text() and "支付成功" in page.inner_text("main")
    assert fee.get_by_role("button").count() == 0


def test_a_paid_order_cancelled_before_dispensing_shows_as_refunded(app, live_server, person):
    rx = approved_prescription()
    address_of(rx)
    username = rx.encounter.patient.user.username
    db.session.commit()
    db.session.remove()

    page = person("patient", phone=True)
    order_id = patient_orders_and_pays(page, live_server, username)
    page.get_by_role("button", name="取消订单并退款").click()
    page.wait_for_url(re.compile(rf".*/decoction/orders/{order_id}$"))
    assert stage_of(page) == "已取消"
    assert "已退款" in page.inner_text("main")
    page.get_by_role("link", name="我的中药订单").click()
    assert "已取消" in page.inner_text("main")
