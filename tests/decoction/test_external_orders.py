"""Herb orders from an approved outside prescription (外院处方, issue 20): the same form, prices
and stages as the hospital's own prescription; placing uses the record once (a second order, an
out-of-date record and toxic herbs by post are refused, nothing written); a cancelled or lapsed
order frees it; another patient finds nothing; the papers and the public trace page say
外院处方 with the institution, the writing doctor and the pharmacists."""

import json
from datetime import date, timedelta

import cv2
import pytest
import sqlalchemy as sa
import time_machine

from decoction.models import DecoctionOrder
from decoction.services import documents, orders, payments, sources
from herbs.models import HerbRecord
from tcm_app.common.errors import ConflictError, NotFoundError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import patients
from tcm_app.services.clock import utc_now
from tests.decoction.external_records import approved_outside_prescription
from tests.decoction.test_label_qr import first_page_image
from tests.decoction.test_order_documents import pdf_pages
from tests.decoction.test_order_service import staff
from tests.factories import (
    approved_prescription,
    bearer,
    create_child,
    create_patient,
    create_user,
    login,
)

DAY = date(2026, 3, 5)


@pytest.fixture(autouse=True)
def frozen(app):
    with time_machine.travel(f"{DAY.isoformat()}T04:00:00Z", tick=False) as traveller:
        yield traveller


def address_of(record):
    patient = record.patient
    return patients.add_address(
        patient, "王丽", "13812345678", "北京市朝阳区", "某路1号", True, patient.user
    )


def order_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(DecoctionOrder.id)))


def make_toxic(name="黄芪"):
    db.session.scalar(sa.select(HerbRecord).where(HerbRecord.name == name)).toxic_28 = True


def test_placing_an_order_uses_the_outside_prescription_once(app):
    record = approved_outside_prescription()
    address = address_of(record)
    assert sources.may_order_external(record) and sources.external_order(record) is None
    order = orders.place_order(record, record.patient.user, "decocted", "delivery", address.id)
    db.session.commit()
    assert order.is_external and order.source is record and order.prescription_id is None
    assert order.external_submission_id == record.id and order.packets == 7
    assert record.status == "used" and record.used_reference == f"order:{order.id}"
    assert [line["label"] for line in order.price_lines] == ["黄芪", "当归", "代煎费", "配送费"]
    assert order.plan["total_bags"] == 14
    assert not sources.may_order_external(record) and sources.external_order(record) is order


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("twice", "external_already_ordered"),
        ("expired", "external_past_validity"),
        ("waiting", "external_not_orderable"),
        ("toxic_delivery", "toxic_not_delivered"),
        ("someone_else", None),
    ],
    ids=[
        "the-same-outside-prescription-twice",
        "an-outside-prescription-past-its-validity",
        "one-the-pharmacist-has-not-approved",
        "toxic-herbs-by-post",
        "another-patients-outside-prescription",
    ],
)
def test_ordering_is_refused_and_nothing_is_written(app, setup, code):
    record = approved_outside_prescription()
    actor, address_id = record.patient.user, address_of(record).id
    if setup == "twice":
        orders.place_order(record, actor, "raw", "pickup")
    elif setup == "expired":
        record.valid_until = utc_now()
    elif setup == "waiting":
        record.status = "waiting"
    elif setup == "toxic_delivery":
        record.official_seal = True  # sealed: picked up, never posted
        make_toxic()
    else:
        actor = create_patient(name="李四").user
    db.session.commit()
    before = order_count()
    with pytest.raises((ConflictError, NotFoundError)) as refused:
        orders.place_order(record, actor, "decocted", "delivery", address_id)
    db.session.rollback()
    assert refused.value.code == code or (code is None and isinstance(refused.value, NotFoundError))
    assert order_count() == before


def test_a_guardian_orders_from_a_wards_outside_prescription(app, client):
    guardian = create_patient(name="王芳")
    record = approved_outside_prescription(patient=create_child(guardian))
    login(client, guardian.user)
    page = client.get(f"/decoction/external/{record.id}/order")
    assert page.status_code == 200 and "代煎费" in page.get_data(as_text=True)
    response = client.post(
        f"/decoction/external/{record.id}/order", data={"preparation": "raw", "handover": "pickup"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert record.status == "used" and record.used_reference is not None


def test_toxic_herbs_of_an_outside_prescription_are_picked_up_with_its_seal(app):
    record = approved_outside_prescription(official_seal=True)
    make_toxic()
    order = orders.place_order(record, record.patient.user, "decocted", "pickup")
    assert order.handover == "pickup"


def test_toxic_herbs_of_an_outside_prescription_without_its_seal_are_refused(app):
    record = approved_outside_prescription(official_seal=False)
    make_toxic()
    db.session.commit()
    with pytest.raises(ConflictError) as refused:
        orders.place_order(record, record.patient.user, "decocted", "pickup")
    assert refused.value.code == "toxic_unsealed" and record.status == "approved"


def test_a_cancelled_order_frees_the_outside_prescription(app):
    record = approved_outside_prescription()
    order = orders.place_order(record, record.patient.user, "raw", "pickup")
    db.session.commit()
    payments.cancel_order(order, record.patient.user, "cancel-1")
    db.session.commit()
    assert order.status == "cancelled" and record.status == "approved"
    assert record.used_reference is None
    again = orders.place_order(record, record.patient.user, "raw", "pickup")
    assert again.id != order.id and record.status == "used"


def test_an_unpaid_order_lapses_and_frees_the_outside_prescription(app):
    record = approved_outside_prescription()
    order = orders.place_order(record, record.patient.user, "raw", "pickup")
    db.session.commit()
    assert orders.expire_unpaid(order.expires_at + timedelta(seconds=1)) == 1
    db.session.commit()
    assert order.status == "expired" and record.status == "approved"


def test_the_database_keeps_one_source_and_one_live_order(app):
    record = approved_outside_prescription()
    order = orders.place_order(record, record.patient.user, "raw", "pickup")
    db.session.commit()
    columns = {
        c: getattr(order, c)
        for c in ("patient_id", "ordered_by_id", "preparation", "handover", "status", "packets")
    }
    columns.update(price_lines=[], total=0, expires_at=order.expires_at)
    rx = approved_prescription()
    for index, link in enumerate(
        [
            {"external_submission_id": record.id},  # a second live order of the same record
            {"external_submission_id": record.id, "prescription_id": rx.id},  # two sources
            {},  # none
        ]
    ):
        db.session.add(DecoctionOrder(**columns, **link, trace_token=f"t{index}"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_the_stages_read_the_transcribed_lines(app):
    record = approved_outside_prescription(lines=(("石膏", 30, "先煎"), ("知母", 10)), packets=2)
    order = orders.place_order(record, record.patient.user, "decocted", "pickup")
    clerk, checker = staff(), create_user(Role.PHARMACIST, username="ext-checker")
    payments.mark_paid(order, clerk, "pay-1")
    orders.apply_move(order, "dispense", clerk, {"weighed_g": {"石膏": "60", "知母": "20"}}, "d-1")
    orders.apply_move(order, "check", checker, {"formula_type": "ordinary"}, "c-1")
    db.session.commit()
    assert order.status == "checked"
    assert order.plan["steps"][1]["code"] == "decoct_first"


def papers(app, order, tmp_path) -> tuple[str, str]:
    with app.test_request_context():
        labels = "".join(pdf_pages(documents.labels_pdf(order), tmp_path))
        sheet = "".join(pdf_pages(documents.worksheet_pdf(order), tmp_path))
    return labels, sheet


def test_the_papers_say_outside_prescription(app, tmp_path):
    record = approved_outside_prescription(lines=(("黄芪", 90), ("当归", 10)))  # 双签
    order = orders.place_order(record, record.patient.user, "decocted", "pickup")
    db.session.commit()
    labels, sheet = papers(app, order, tmp_path)
    for text in (labels, sheet):
        for expected in ("外院处方", "北京中医医院", "赵建国", "周药师", "吴药师"):
            assert expected in text, expected
    assert record.rx_number in sheet and "处方：" not in sheet.replace("外院处方：", "")


def test_the_hospital_prescriptions_papers_stay_as_they_were(app, tmp_path):
    rx = approved_prescription()
    order = orders.place_order(rx, rx.encounter.patient.user, "decocted", "pickup")
    db.session.commit()
    labels, sheet = papers(app, order, tmp_path)
    assert "外院" not in labels + sheet and f"处方：{rx.id}" in sheet


def test_the_label_qr_of_an_outside_order_decodes_to_its_trace_page(app, tmp_path):
    record = approved_outside_prescription()
    order = orders.place_order(record, record.patient.user, "raw", "pickup")
    db.session.commit()
    with app.test_request_context():
        pdf, url = documents.labels_pdf(order), documents.trace_url(order)
    image = first_page_image(pdf, tmp_path)
    assert cv2.QRCodeDetectorAruco().detectAndDecode(image)[0] == url


@pytest.mark.parametrize("preparation", ["decocted", "raw"])
def test_the_worksheet_qr_of_an_outside_order_is_on_its_first_page(app, tmp_path, preparation):
    """The outside prescription's longer header once pushed the QR onto a second page alone."""
    record = approved_outside_prescription(
        lines=(("黄芪", 30), ("当归", 10), ("党参", 9), ("白术", 9)),
        institution="首都医科大学附属北京市东城区中医医院",
    )
    user, address_id = record.patient.user, address_of(record).id
    order = orders.place_order(record, user, preparation, "delivery", address_id)
    db.session.commit()
    with app.test_request_context():
        pdf, url = documents.worksheet_pdf(order), documents.trace_url(order)
    assert len(pdf_pages(pdf, tmp_path)) == 1
    assert cv2.QRCodeDetectorAruco().detectAndDecode(first_page_image(pdf, tmp_path))[0] == url


def test_the_trace_page_says_outside_prescription(app, client):
    record = approved_outside_prescription()
    order = orders.place_order(record, record.patient.user, "raw", "pickup")
    db.session.commit()
    page = client.get(f"/decoction/trace/{order.trace_token}").get_data(as_text=True)
    assert "外院处方" in page and "北京中医医院" in page and "赵建国" in page
    assert "周药师" in page and "审核通过于 2026-03-05 12:00" in page
    assert record.patient.legal_name not in page and "Outside" not in page


def order_page(record) -> str:
    return f"/decoction/external/{record.id}/order"


def test_the_patient_orders_from_the_page(app, client):
    record = approved_outside_prescription()
    address_id = address_of(record).id
    db.session.commit()
    login(client, record.patient.user)
    page = client.get(order_page(record)).get_data(as_text=True)
    assert "外院处方" in page and "北京中医医院" in page and "代煎费" in page and "配送费" in page
    response = client.post(
        order_page(record),
        data={"preparation": "decocted", "handover": "delivery", "address_id": address_id},
    )
    assert response.status_code == 302
    order = db.session.scalar(sa.select(DecoctionOrder))
    assert order.external_submission_id == record.id
    view = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "外院处方：北京中医医院 赵建国 医师开具" in view and "等待付款" in view
    again = client.post(order_page(record), data={"preparation": "raw", "handover": "pickup"})
    assert again.status_code == 422 and "已" in again.get_data(as_text=True)


def test_toxic_herbs_by_post_are_refused_next_to_the_handover(app, client):
    record = approved_outside_prescription(official_seal=True)
    address_id = address_of(record).id
    make_toxic()
    db.session.commit()
    login(client, record.patient.user)
    response = client.post(
        order_page(record),
        data={"preparation": "raw", "handover": "delivery", "address_id": address_id},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="handover-error"' in page and "毒" in page
    assert order_count() == 0


@pytest.mark.parametrize("who", ["another patient", "a pharmacist"])
def test_someone_elses_outside_prescription_is_not_found(app, client, who):
    record = approved_outside_prescription()
    other = create_patient(name="李四").user if who == "another patient" else None
    other = other or create_user(Role.PHARMACIST, username="ext-other")
    db.session.commit()
    login(client, other)
    assert client.get(order_page(record)).status_code in (403, 404)
    if who == "another patient":
        assert client.get(order_page(record)).status_code == 404
        api = f"/api/v1/external/submissions/{record.id}/order-options"
        assert client.get(api, headers=bearer(other)).status_code == 404


def test_the_api_prices_and_places_an_outside_order(app, client):
    record = approved_outside_prescription(official_seal=True)
    make_toxic()
    db.session.commit()
    headers = bearer(record.patient.user)
    base = f"/api/v1/external/submissions/{record.id}"
    options = client.get(f"{base}/order-options", headers=headers).get_json()["items"]
    refusals = {(o["preparation"], o["handover"]): o["refusal"] for o in options}
    assert refusals[("raw", "pickup")] is None
    assert refusals[("raw", "delivery")]["code"] == "toxic_not_delivered"
    body = json.dumps({"preparation": "raw", "handover": "pickup"})
    placed = client.post(
        f"{base}/orders", data=body, headers=headers, content_type="application/json"
    )
    assert placed.status_code == 201, placed.get_json()
    answer = placed.get_json()
    assert answer["external"] is True and answer["external_submission_id"] == record.id
    assert answer["prescription_id"] is None
    twice = client.post(
        f"{base}/orders", data=body, headers=headers, content_type="application/json"
    )
    assert twice.status_code == 409
    assert twice.get_json()["error"]["code"] == "external_already_ordered"
