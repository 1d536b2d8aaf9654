"""On a phone-sized screen in headless Chromium: the patient opens an approved prescription, sees
the prices for each choice, orders decoction for pickup and lands on the order page (CSRF on)."""

import sqlalchemy as sa

from decoction.models import DecoctionOrder
from tcm_app.extensions import db
from tests.browser.pages import sign_in
from tests.factories import PASSWORD, approved_prescription


def test_patient_orders_herbs_on_a_phone(app, live_server, phone_page):
    rx = approved_prescription()
    rx_id, username = rx.id, rx.encounter.patient.user.username
    db.session.commit()
    db.session.remove()  # release SQLite's lock before the browser's requests arrive

    page = phone_page
    sign_in(page, live_server, username, PASSWORD)
    page.goto(f"{live_server}/herbs/prescriptions/{rx_id}")
    page.get_by_role("link", name="购买中药").click()
    page.wait_for_url(f"{live_server}/decoction/prescriptions/{rx_id}/order")
    assert "代煎费" in page.inner_text("body")
    page.check("input[name=handover][value=pickup]")
    page.get_by_role("button", name="提交订单").click()
    page.wait_for_url(f"{live_server}/decoction/orders/*")
    assert "等待付款" in page.inner_text("body")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the order page scrolls sideways on a phone"
    order = db.session.scalar(sa.select(DecoctionOrder))
    assert (order.preparation, order.handover, order.status) == (
        "decocted",
        "pickup",
        "pending_payment",
    )
