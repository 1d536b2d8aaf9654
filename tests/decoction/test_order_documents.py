"""The work sheet and the bag labels, rendered by WeasyPrint and read back with pdftotext."""

import subprocess

import sqlalchemy as sa

from decoction.models import DecoctionOrder
from decoction.services import documents, orders
from tcm_app.common.masking import mask_name
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import approved_prescription, create_user, login


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [page for page in out.split("\f") if page.strip()]


def decocted_order(packets=14):
    rx = approved_prescription(lines=(("石膏", 30), ("知母", 10), ("薄荷", 6)), packets=packets)
    order = orders.place_order(rx, rx.encounter.patient.user, "decocted", "pickup")
    db.session.commit()
    return order


def test_one_label_per_bag_with_masked_name_and_use_by(app, tmp_path):
    order = decocted_order()
    with app.test_request_context():
        pages = pdf_pages(documents.labels_pdf(order), tmp_path)
    assert len(pages) == 28
    name = order.prescription.patient.legal_name
    assert "第 1/28 袋" in pages[0] and "第 28/28 袋" in pages[-1]
    assert mask_name(name) in pages[0] and name not in "".join(pages)
    assert "先煎" in pages[0] and "后下" in pages[0]
    assert "冷藏" in pages[0] and "前服完" in pages[0]


def test_worksheet_lists_herbs_steps_and_pregnancy(app, tmp_path):
    order = decocted_order(packets=7)
    with app.test_request_context():
        text = "".join(pdf_pages(documents.worksheet_pdf(order), tmp_path))
    for expected in ("代煎工作单", "石膏", "先煎", "后下", "浸泡", "一煎", "二煎", "复核"):
        assert expected in text, expected
    assert "妊娠状态：未记录" in text  # a woman whose pregnancy status was never recorded


def test_staff_download_the_papers_and_patients_do_not(app, client):
    order = decocted_order(packets=2)
    order_id, patient = order.id, order.prescription.patient.user
    clerk = create_user(Role.DECOCTION, username="clerk-pdf")
    db.session.commit()
    login(client, clerk)
    labels = client.get(f"/decoction/orders/{order_id}/labels.pdf")
    assert labels.status_code == 200 and labels.data.startswith(b"%PDF")
    assert client.get(f"/decoction/orders/{order_id}/worksheet.pdf").status_code == 200
    client.post("/logout")
    login(client, patient)
    assert client.get(f"/decoction/orders/{order_id}/labels.pdf").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(DecoctionOrder.id))) == 1
