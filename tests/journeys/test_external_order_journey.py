"""拍方抓药 to the door (issue 20): the patient (phone) opens the order page of their approved
outside prescription (外院处方), chooses decoction (代煎) and delivery, reads the itemised price,
orders and pays in the sandbox; the public trace page, as the bag label's QR code opens it, says
外院处方 with the institution and the writing doctor.

The record is made by the stand-in factory (tests/decoction/external_records.py) until the
pharmacist's review pages exist; then this journey starts from the review."""

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


def test_a_patient_orders_and_pays_from_an_outside_prescription(app, live_server, person):
    with time_machine.travel("2026-03-05T04:00:00Z", tick=True):
        record = approved_outside_prescription(institution="北京市东城区中医医院")
        address_of(record)
        username, order_url = record.patient.user.username, f"/decoction/external/{record.id}/order"
        db.session.commit()
        db.session.remove()

        phone = person("patient", phone=True)
        sign_in(phone, live_server, username, PASSWORD)
        phone.goto(live_server + order_url)
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

        token = db.session.scalar(sa.select(DecoctionOrder.trace_token))
        db.session.remove()
        visitor = person("visitor", phone=True)  # whoever scans the bag label: no login
        visitor.goto(f"{live_server}/decoction/trace/{token}")
        trace = visitor.locator("main").inner_text()
        assert "外院处方：北京市东城区中医医院 赵建国 医师开具" in trace
        assert "转录" in trace and "已付款" in trace
