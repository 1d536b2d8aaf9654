"""Herb order pages: the patient orders and follows the order, the decoction room moves it once
per form, and the public trace page shows the stages without personal data."""

import re

import sqlalchemy as sa

from decoction.models import DecoctionOrder, OrderEvent
from decoction.services import orders
from herbs.models import HerbRecord
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.decoction.test_order_service import address_of
from tests.factories import PASSWORD, approved_prescription, create_patient, create_user, login


def place(client, rx, data):
    login(client, rx.encounter.patient.user)
    return client.post(f"/decoction/prescriptions/{rx.id}/order", data=data)


def test_patient_sees_prices_orders_and_follows(app, client):
    rx = approved_prescription()
    address_id = address_of(rx).id
    db.session.commit()
    login(client, rx.encounter.patient.user)
    page = client.get(f"/decoction/prescriptions/{rx.id}/order").get_data(as_text=True)
    assert "代煎费" in page and "配送费" in page and "¥" in page
    response = client.post(
        f"/decoction/prescriptions/{rx.id}/order",
        data={"preparation": "decocted", "handover": "delivery", "address_id": address_id},
    )
    assert response.status_code == 302
    order = db.session.scalar(sa.select(DecoctionOrder))
    view = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "等待付款" in view and 'id="order-timeline"' in view
    timeline = client.get(f"/decoction/orders/{order.id}/timeline").get_json()
    assert timeline["status"] == "pending_payment" and len(timeline["events"]) == 1


def test_toxic_herbs_for_delivery_are_refused_on_the_form(app, client):
    rx = approved_prescription()
    address_id = address_of(rx).id
    db.session.scalar(sa.select(HerbRecord).where(HerbRecord.name == "黄芪")).toxic_28 = True
    db.session.commit()
    response = place(
        client, rx, {"preparation": "raw", "handover": "delivery", "address_id": address_id}
    )
    assert response.status_code == 422
    assert "毒" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(DecoctionOrder.id))) == 0


def test_someone_elses_prescription_is_not_found(app, client):
    rx = approved_prescription()
    stranger = create_patient(name="李四").user
    db.session.commit()
    login(client, stranger)
    assert client.get(f"/decoction/prescriptions/{rx.id}/order").status_code == 404


def staff_client(app, client):
    clerk = create_user(Role.DECOCTION, username="clerk")
    db.session.commit()
    client.post("/logout")
    login(client, clerk)
    return clerk


def test_a_double_submitted_stage_form_applies_once(app, client):
    rx = approved_prescription()
    place(client, rx, {"preparation": "raw", "handover": "pickup"})
    order_id = db.session.scalar(sa.select(DecoctionOrder.id))
    staff_client(app, client)
    page = client.get(f"/decoction/orders/{order_id}").get_data(as_text=True)
    key = re.search(r'name="move_key" value="([^"]+)"', page).group(1)
    form = {"move": "pay", "move_key": key}
    assert client.post(f"/decoction/orders/{order_id}/moves", data=form).status_code == 302
    assert client.post(f"/decoction/orders/{order_id}/moves", data=form).status_code == 302
    moves = db.session.scalars(sa.select(OrderEvent.move).order_by(OrderEvent.id)).all()
    assert moves == ["place", "pay"]
    queue = client.get("/decoction/queue").get_data(as_text=True)
    assert f"/decoction/orders/{order_id}" in queue


def test_weighing_outside_tolerance_is_shown_and_not_applied(app, client):
    rx = approved_prescription()
    place(client, rx, {"preparation": "raw", "handover": "pickup"})
    order_id = db.session.scalar(sa.select(DecoctionOrder.id))
    staff_client(app, client)
    client.post(f"/decoction/orders/{order_id}/moves", data={"move": "pay", "move_key": "p"})
    bad = {"move": "dispense", "move_key": "d1", "weighed-黄芪": "260", "weighed-当归": "70"}
    client.post(f"/decoction/orders/{order_id}/moves", data=bad)
    page = client.get(f"/decoction/orders/{order_id}").get_data(as_text=True)
    assert "5%" in page
    assert db.session.get(DecoctionOrder, order_id).status == "paid"


def test_patients_cannot_move_orders(app, client):
    rx = approved_prescription()
    place(client, rx, {"preparation": "raw", "handover": "pickup"})
    order_id = db.session.scalar(sa.select(DecoctionOrder.id))
    response = client.post(
        f"/decoction/orders/{order_id}/moves", data={"move": "pay", "move_key": "x"}
    )
    assert response.status_code == 403


def test_trace_page_shows_stages_without_personal_data(app, client):
    rx = approved_prescription()
    place(client, rx, {"preparation": "decocted", "handover": "pickup"})
    order = db.session.scalar(sa.select(DecoctionOrder))
    name, token = rx.encounter.patient.legal_name, order.trace_token
    client.post("/logout")
    page = client.get(f"/decoction/trace/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "等待付款" in html and name not in html and "浸泡" in html
    assert client.get("/decoction/trace/unknown-token").status_code == 404


def test_a_move_never_redirects_off_site(app, client):
    rx = approved_prescription()
    place(client, rx, {"preparation": "raw", "handover": "pickup"})
    order_id = db.session.scalar(sa.select(DecoctionOrder.id))
    staff_client(app, client)
    form = {"move": "pay", "move_key": "k", "next": "//evil.example/phish"}
    response = client.post(f"/decoction/orders/{order_id}/moves", data=form)
    assert response.headers["Location"].endswith(f"/decoction/orders/{order_id}")


def test_the_decoction_room_lands_on_its_work_list(app, client):
    """Oldest first within each stage, paid work before unpaid orders, long waits marked."""
    from datetime import timedelta

    from decoction.services import payments
    from tcm_app.services.clock import utc_now

    clerk = create_user(Role.DECOCTION)
    made = []
    for hours_ago in (1, 6, 2):
        rx = approved_prescription()
        order = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
        payments.mark_paid(order, clerk, f"pay-{order.id}")
        order.stage_entered_at = utc_now() - timedelta(hours=hours_ago)
        made.append(order.id)
    unpaid_rx = approved_prescription()
    unpaid = orders.place_order(unpaid_rx, unpaid_rx.encounter.patient.user, "raw", "pickup")
    db.session.commit()
    landing = client.post("/login", data={"username": clerk.username, "password": PASSWORD})
    assert landing.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/decoction/queue"
    page = client.get("/decoction/queue").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r"/decoction/orders/(\d+)\"", page)]
    assert shown == [made[1], made[2], made[0], unpaid.id]
    assert page.count("停留过久") == 1


def test_the_patients_prescriptions_say_where_the_medicine_is_and_lead_to_the_order(app, client):
    """A used prescription is 已使用 on its own; its herb order's state (等待付款, 已发货...) is
    what the patient (an elder most of all: 我的药) wants to know, with the way to the order."""
    rx = approved_prescription()
    other = approved_prescription(patient=rx.encounter.patient)  # not ordered: no order line
    order = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    db.session.commit()
    login(client, rx.encounter.patient.user)
    mine = client.get("/herbs/mine").get_data(as_text=True)
    assert mine.count("中药订单：等待付款") == 1
    assert f'href="/decoction/orders/{order.id}"' in mine
    page = client.get(f"/herbs/prescriptions/{rx.id}").get_data(as_text=True)
    assert "中药订单：等待付款" in page and f'href="/decoction/orders/{order.id}"' in page
    unordered = client.get(f"/herbs/prescriptions/{other.id}")
    assert unordered.status_code == 200 and "中药订单：" not in unordered.get_data(as_text=True)
