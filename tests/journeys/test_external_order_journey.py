"""拍方抓药 to the door (issue 20): the patient (phone) finds their approved outside prescription
(外院处方) in the menu, opens its order page from 下单抓药, chooses decoction (代煎) and delivery,
reads the itemised price, orders and pays in the sandbox; the prescription's page then leads to
the order; the public trace page, as the bag label's QR code opens it, says 外院处方 with the
institution and the writing doctor. (The pharmacists' review is driven in
test_outside_prescription_journey.py; here it is made through the same services.)"""

import re

import sqlalchemy as sa
import time_machine

from decoction.models import DecoctionOrder
from tcm_app.extensions import db
from tests.decoction.external_records import approved_outside_prescription
from tests.decoction.test_external_orders import address_of
from tests.factories import PASSWORD
from tests.journeys.conftest import sign_in
from tests.journeys.test_order_journeys import stage_of
from tests.journeys.test_outside_prescription_journey import menu_link
from tests.journeys.test_prescription_journeys import click_and_wait


def test_a_patient_orders_and_pays_from_an_outside_prescription(app, live_server, person):
    with time_machine.travel("2026-03-05T04:00:00Z", tick=True):
        record = approved_outside_prescription(institution="北京市东城区中医医院")
        address_of(record)
        username = record.patient.user.username
        db.session.commit()
        db.session.remove()

        phone = person("patient", phone=True)
        sign_in(phone, live_server, username, PASSWORD)
        click_and_wait(phone, menu_link(phone, "拍方抓药"))
        click_and_wait(phone, phone.get_by_role("link", name="北京市东城区中医医院"))
        assert "审核通过，可以下单" in phone.locator("[data-status]").inner_text()
        click_and_wait(phone, phone.get_by_role("link", name="下单抓药"))
        main = phone.locator("main").inner_text()
        assert "外院处方：北京市东城区中医医院 赵建国 医师开具" in main
        price = phone.locator("details[open]").inner_text()
        assert "黄芪" in price and "代煎费" in price and "配送费" in price
        phone.get_by_label(re.compile("代煎")).check()
        phone.get_by_label("配送到我的地址").check()
        phone.get_by_role("button", name="提交订单").click()
        phone.wait_for_url(re.compile(r".*/decoction/orders/\d+$"))
        assert stage_of(phone) == "等待付款"
        total = re.search(r"支付 ¥([\d.]+)", phone.inner_text("main")).group(1)
        phone.get_by_role("button", name=f"支付 ¥{total}").click()
        phone.wait_for_url(re.compile(r".*/payments/sandbox/.*"))
        phone.get_by_role("button", name="确认支付").click()
        phone.wait_for_url(re.compile(r".*/decoction/orders/\d+$"))
        assert "支付成功" in phone.inner_text("main") and stage_of(phone) == "已付款"
        click_and_wait(phone, menu_link(phone, "拍方抓药"))
        click_and_wait(phone, phone.get_by_role("link", name="北京市东城区中医医院"))
        assert "已下单" in phone.locator("[data-status]").inner_text()
        assert phone.get_by_role("link", name="查看中药订单").count() == 1

        token = db.session.scalar(sa.select(DecoctionOrder.trace_token))
        db.session.remove()
        visitor = person("visitor", phone=True)  # whoever scans the bag label: no login
        visitor.goto(f"{live_server}/decoction/trace/{token}")
        trace = visitor.locator("main").inner_text()
        assert "外院处方：北京市东城区中医医院 赵建国 医师开具" in trace
        assert "转录" in trace and "已付款" in trace
