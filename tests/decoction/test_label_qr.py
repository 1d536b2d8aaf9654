"""Bag labels as printed: the trace QR code keeps its 4-module quiet zone, no text is drawn over
it, and it decodes (OpenCV's ArUco-based QR detector on the rasterised PDF) to the order's trace
URL. The usage text fits the product: decocted bags say bags a day and how to warm; 饮片 how to
decoct.

Why the ArUco-based detector: OpenCV's classic QRCodeDetector misses about 1 valid code in 300
(it did not find the finder patterns of the pinned token below, which phones and the ArUco detector
read at once), so a random trace token made this test fail now and then. Measured over 400 random
tokens rendered the same way: classic 1 miss, ArUco 0."""

import subprocess

import cv2
import numpy as np
import pytest
import qrcode

from decoction.services import documents, orders
from tcm_app.extensions import db
from tests.decoction.test_order_documents import pdf_pages
from tests.factories import approved_prescription

DPI = 300


# A token whose code the classic detector could not find on a 饮片 label (CI, 2026-12-03).
HARD_TOKEN = "D44ZohB30eHVdn6HB_BJhQ"


def order_of(preparation: str, token: str | None = None):
    rx = approved_prescription(
        lines=(("石膏", 30), ("知母", 10), ("薄荷", 6), ("车前子", 10)), packets=3
    )
    order = orders.place_order(rx, rx.encounter.patient.user, preparation, "pickup")
    if token:
        order.trace_token = token
    db.session.commit()
    return order


def first_page_image(pdf: bytes, tmp_path) -> np.ndarray:
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(DPI),
            "-f",
            "1",
            "-l",
            "1",
            "-gray",
            "-png",
            str(path),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    return cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)


def modules_across(url: str) -> int:
    """The code's width in modules, without its quiet zone."""
    code = qrcode.QRCode(border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.modules_count


def quiet_zone_is_clear(image: np.ndarray, corners: np.ndarray, modules: int) -> bool:
    """Nothing dark in the 4-module band around the code (its quiet zone): no text, no line."""
    left, top = corners.min(axis=0)
    right, bottom = corners.max(axis=0)
    module = (right - left) / modules
    margin, slack = 4 * module, module / 2  # corners are found to within a fraction of a module
    outer = image[
        round(top - margin) : round(bottom + margin), round(left - margin) : round(right + margin)
    ]
    band = np.ones(outer.shape, dtype=bool)
    band[
        round(margin - slack) : round(margin + bottom - top + slack),
        round(margin - slack) : round(margin + right - left + slack),
    ] = False
    return outer.size > 0 and int(outer[band].min()) > 160


@pytest.mark.parametrize(
    "preparation, token",
    [("decocted", None), ("raw", None), ("raw", HARD_TOKEN), ("decocted", HARD_TOKEN)],
    ids=["decocted-bags", "herb-pieces", "herb-pieces-hard-token", "decocted-bags-hard-token"],
)
def test_the_label_qr_decodes_to_the_trace_url_with_its_quiet_zone(
    app, tmp_path, preparation, token
):
    order = order_of(preparation, token)
    with app.test_request_context():
        pdf = documents.labels_pdf(order)
        url = documents.trace_url(order)
    image = first_page_image(pdf, tmp_path)
    found, corners = cv2.QRCodeDetectorAruco().detectAndDecode(image)[:2]
    assert found == url
    corners = corners.reshape(-1, 2)
    assert quiet_zone_is_clear(image, corners, modules_across(url)), "the quiet zone is not clear"


def test_usage_text_fits_the_product(app, tmp_path):
    decocted, raw = order_of("decocted"), order_of("raw")
    with app.test_request_context():
        bags = pdf_pages(documents.labels_pdf(decocted), tmp_path)[0].replace("\n", "")
        pieces = pdf_pages(documents.labels_pdf(raw), tmp_path)[0].replace("\n", "")
    assert "每日 2 袋" in bags and "热水" in bags and "微波炉" in bags
    assert "煎法" not in bags
    assert "煎法（每剂）" in pieces and "浸泡 30 分钟" in pieces
    assert "后下" in pieces and "包煎" in pieces and "每日 2 袋" not in pieces
