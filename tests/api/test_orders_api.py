"""Herb orders over the API: prices for each choice, place, pay (a payment at the provider and
where to confirm it), follow (with the stages and the payment), list mine; a patient reaches only
their own prescriptions and orders (404), other roles are refused."""

import json

from decoction.services import orders
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import payments as core_payments
from tests.api.helpers import API, api_error
from tests.api.test_openapi import OPENAPI_URL, check
from tests.decoction.test_order_service import address_of
from tests.factories import approved_prescription, bearer, create_patient, create_user


def spec(client) -> dict:
    return client.get(OPENAPI_URL).get_json()


def test_order_options_price_each_choice_and_say_what_is_refused(app, client):
    rx = approved_prescription()
    headers = bearer(rx.encounter.patient.user)
    response = client.get(f"{API}/prescriptions/{rx.id}/order-options", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    check(spec(client), "OrderOptionList", body)
    choices = {(i["preparation"], i["handover"]): i for i in body["items"]}
    assert set(choices) == {(p, h) for p in ("decocted", "raw") for h in ("delivery", "pickup")}
    decocted = choices[("decocted", "delivery")]
    assert [line["label"] for line in decocted["lines"]][-2:] == ["代煎费", "配送费"]
    assert decocted["refusal"] is None
    assert float(choices[("raw", "pickup")]["total"]) < float(decocted["total"])


def test_place_pay_follow_and_list(app, client):
    rx = approved_prescription()
    patient = rx.encounter.patient.user
    headers = bearer(patient)
    address_id = address_of(rx).id
    db.session.commit()
    placed = client.post(
        f"{API}/prescriptions/{rx.id}/orders",
        json={"preparation": "decocted", "handover": "delivery", "address_id": address_id},
        headers=headers,
    )
    assert placed.status_code == 201, placed.get_json()
    order = placed.get_json()
    document = spec(client)
    check(document, "Order", order)
    assert order["status"] == "pending_payment" and order["payment"] is None
    paying = client.post(f"{API}/orders/{order['id']}/payments", headers=headers)
    assert paying.status_code == 201
    started = paying.get_json()
    check(document, "PaymentStart", started)
    assert "/payments/sandbox/" in started["redirect_url"]
    assert started["payment"]["amount"] == order["total"]
    payment = core_payments.by_reference(started["payment"]["reference"])
    raw = core_payments.provider("sandbox").notice_body(payment, "paid")
    signature = core_payments.SandboxProvider.sign(raw)
    client.post(
        "/payments/notify/sandbox", data=raw, headers={core_payments.SIGNATURE_HEADER: signature}
    )
    followed = client.get(f"{API}/orders/{order['id']}", headers=headers).get_json()
    assert followed["status"] == "paid" and followed["payment"]["status"] == "paid"
    assert [e["to"] for e in followed["events"]] == ["pending_payment", "paid"]
    listed = client.get(f"{API}/orders", headers=headers).get_json()
    check(document, "OrderList", listed)
    assert [o["id"] for o in listed["items"]] == [order["id"]]
    again = client.post(f"{API}/orders/{order['id']}/payments", headers=headers)
    api_error(again, 409, "not_payable")
    assert json.loads(raw)["amount"] == order["total"]


def test_refusals_are_json_errors(app, client):
    rx = approved_prescription()
    headers = bearer(rx.encounter.patient.user)
    url = f"{API}/prescriptions/{rx.id}/orders"
    api_error(client.post(url, json={"preparation": "boiled"}, headers=headers), 422)
    no_address = {"preparation": "raw", "handover": "delivery"}
    api_error(client.post(url, json=no_address, headers=headers), 422, "address_required")
    first = {"preparation": "raw", "handover": "pickup"}
    assert client.post(url, json=first, headers=headers).status_code == 201
    api_error(client.post(url, json=first, headers=headers), 409, "already_ordered")


def test_a_patient_reaches_only_their_own(app, client):
    rx = approved_prescription()
    order = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    stranger = bearer(create_patient(name="李四").user)
    db.session.commit()
    for method, path in (
        ("get", f"/prescriptions/{rx.id}/order-options"),
        ("post", f"/prescriptions/{rx.id}/orders"),
        ("get", f"/orders/{order.id}"),
        ("post", f"/orders/{order.id}/payments"),
    ):
        body = {"preparation": "raw", "handover": "pickup"} if method == "post" else None
        response = getattr(client, method)(f"{API}{path}", json=body, headers=stranger)
        api_error(response, 404)
    assert client.get(f"{API}/orders", headers=stranger).get_json() == {"items": []}


def test_staff_follow_but_do_not_order_or_pay(app, client):
    rx = approved_prescription()
    order = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    room = bearer(create_user(Role.DECOCTION))
    doctor = bearer(rx.encounter.doctor)
    db.session.commit()
    assert client.get(f"{API}/orders/{order.id}", headers=room).status_code == 200
    api_error(client.post(f"{API}/orders/{order.id}/payments", headers=room), 403)
    api_error(client.get(f"{API}/orders/{order.id}", headers=doctor), 403)
    api_error(client.get(f"{API}/orders"), 401)
