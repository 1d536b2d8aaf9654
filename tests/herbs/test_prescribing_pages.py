"""The whole flow through the pages: doctor writes and signs, pharmacist reviews, patient downloads
the 处方笺 (read back with pdftotext), and anyone can verify it by its QR code."""

import re
import subprocess

import pytest
import sqlalchemy as sa

from herbs.models import FormulaTemplate, Prescription
from tcm_app.extensions import db
from tests.factories import (
    SIGNING_PASSWORD,
    create_pharmacist,
    create_prescribable_encounter,
    login,
)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "rx.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def editor_rows(lines, template=False) -> dict:
    data = {}
    for i, (name, grams, method) in enumerate(lines):
        data[f"lines-{i}-name"] = name
        data[f"lines-{i}-dose_g"] = grams
        data[f"lines-{i}-method"] = method
        if template:
            data[f"lines-{i}-from_template"] = "1"
    return data


@pytest.fixture
def encounter(app):
    return create_prescribable_encounter()


def write_and_sign(client, encounter, lines, reasons=None) -> Prescription:
    login(client, encounter.doctor)
    page = client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
    assert f"/herbs/encounters/{encounter.id}/prescriptions" in page
    response = client.post(f"/herbs/encounters/{encounter.id}/prescriptions")
    assert response.status_code == 302
    edit_url = response.headers["Location"]
    rx = db.session.scalar(sa.select(Prescription).where(Prescription.encounter_id == encounter.id))
    data = {"packets": "7", "usage": "每日1剂，水煎400ml，分早晚两次温服", **editor_rows(lines)}
    saved = client.post(edit_url, data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    sign_data = {"signing_password": SIGNING_PASSWORD, **(reasons or {})}
    signed = client.post(f"/herbs/prescriptions/{rx.id}/sign", data=sign_data)
    assert signed.status_code == 302
    db.session.expire_all()
    return db.session.get(Prescription, rx.id)


SIJUNZI = [("党参", "15", ""), ("白术", "9", ""), ("茯苓", "12", ""), ("炙甘草", "6", "")]


def test_doctor_pharmacist_patient_through_the_pages(client, encounter, tmp_path):
    rx = write_and_sign(client, encounter, [*SIJUNZI, ("石膏", "30", "")])
    assert rx.status == "pending_review"
    assert [line.method for line in rx.lines][-1] == "先煎"  # pre-filled from the catalogue
    client.post("/logout")

    pharmacist = create_pharmacist()
    login(client, pharmacist)
    queue = client.get("/herbs/review").get_data(as_text=True)
    assert encounter.patient.legal_name in queue
    review = client.post(
        f"/herbs/prescriptions/{rx.id}/review",
        data={"decision": "approve", "note": "", "signing_password": SIGNING_PASSWORD},
    )
    assert review.status_code == 302
    client.post("/logout")

    login(client, encounter.patient.user)
    mine = client.get("/herbs/mine").get_data(as_text=True)
    assert f"/herbs/prescriptions/{rx.id}" in mine
    pdf = client.get(f"/herbs/prescriptions/{rx.id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    for expected in (
        "中药饮片处方笺",
        "王丽",
        "胃脘痛",
        "脾胃虚寒证",
        "党参 15g",
        "石膏 30g",
        "先煎",
        "共7剂",
        "张医生",
        "李药师",
        "有效期至",
    ):
        assert expected in text, expected
    assert encounter.patient.id_number not in text
    assert re.search(r"\d{4}\*+\d{3}[\dX]", text), "the ID number is printed masked"

    verify_url = re.search(r"(http://\S+/herbs/verify/\S+)", text).group(1)
    client.post("/logout")
    verify = client.get(verify_url.replace("http://localhost", ""))
    body = verify.get_data(as_text=True)
    assert verify.status_code == 200
    assert encounter.patient.legal_name not in body
    assert "approved" in body or "已通过" in body or "Approved" in body


def test_the_pdf_is_rendered_once_and_cached(client, encounter):
    from herbs.models import PrescriptionDocument

    rx = write_and_sign(client, encounter, SIJUNZI)
    first = client.get(f"/herbs/prescriptions/{rx.id}/pdf").data
    second = client.get(f"/herbs/prescriptions/{rx.id}/pdf").data
    assert first == second
    assert db.session.scalar(sa.select(sa.func.count(PrescriptionDocument.id))) == 1


def test_a_template_only_prefills_and_each_line_must_be_confirmed(client, encounter):
    login(client, encounter.doctor)
    client.post(f"/herbs/encounters/{encounter.id}/prescriptions")
    rx = db.session.scalar(sa.select(Prescription).where(Prescription.encounter_id == encounter.id))
    template = db.session.scalar(sa.select(FormulaTemplate).where(FormulaTemplate.kind == "agreed"))
    page = client.get(f"/herbs/prescriptions/{rx.id}/edit?template={template.id}").get_data(
        as_text=True
    )
    assert template.lines[0].herb_name in page
    db.session.expire_all()
    assert db.session.get(Prescription, rx.id).lines == []  # nothing saved by pre-filling
    rows = [(line.herb_name, f"{line.dose_g:g}", "") for line in template.lines]
    data = {"packets": "7", "usage": "每日1剂", **editor_rows(rows, template=True)}
    refused = client.post(f"/herbs/prescriptions/{rx.id}/edit", data=data)
    assert refused.status_code == 422
    data.update({f"lines-{i}-confirmed": "y" for i in range(len(rows))})
    assert client.post(f"/herbs/prescriptions/{rx.id}/edit", data=data).status_code == 302


def test_editor_shows_line_errors_and_keeps_the_draft(client, encounter):
    rx = write_and_sign(client, encounter, SIJUNZI)  # a first, signed prescription
    assert rx.status == "pending_review"
    client.post(f"/herbs/encounters/{encounter.id}/prescriptions")
    draft = db.session.scalar(
        sa.select(Prescription).where(
            Prescription.status == "draft", Prescription.encounter_id == encounter.id
        )
    )
    data = {
        "packets": "7",
        "usage": "每日1剂",
        **editor_rows([("不存在的药", "6", ""), ("甘草", "5000", "")]),
    }
    response = client.post(f"/herbs/prescriptions/{draft.id}/edit", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "不存在的药" in page
    db.session.expire_all()
    assert db.session.get(Prescription, draft.id).lines == []


def test_double_signature_reasons_on_the_sign_form(client, encounter):
    login(client, encounter.doctor)
    client.post(f"/herbs/encounters/{encounter.id}/prescriptions")
    rx = db.session.scalar(sa.select(Prescription).where(Prescription.encounter_id == encounter.id))
    data = {
        "packets": "7",
        "usage": "每日1剂",
        **editor_rows([("甘草", "6", ""), ("海藻", "10", "")]),
    }
    client.post(f"/herbs/prescriptions/{rx.id}/edit", data=data)
    page = client.get(f"/herbs/prescriptions/{rx.id}/edit").get_data(as_text=True)
    key = re.search(r'name="reason-([^"]+)"', page).group(1)
    unsigned = client.post(
        f"/herbs/prescriptions/{rx.id}/sign", data={"signing_password": SIGNING_PASSWORD}
    )
    assert unsigned.status_code == 302
    db.session.expire_all()
    assert db.session.get(Prescription, rx.id).status == "draft"
    client.post(
        f"/herbs/prescriptions/{rx.id}/sign",
        data={
            "signing_password": SIGNING_PASSWORD,
            f"reason-{key}": "病情需要，反药同用取其相反相成",
        },
    )
    db.session.expire_all()
    signed = db.session.get(Prescription, rx.id)
    assert signed.status == "pending_review"
    assert [a.code for a in signed.acknowledgements] == ["incompatible_18"]


def test_live_search_and_check_for_the_editor(client, encounter):
    login(client, encounter.doctor)
    herbs = client.get("/herbs/search?q=gc").get_json()["herbs"]
    assert herbs[0]["name"] == "甘草"
    body = {"herbs": [{"name": "甘草", "dose_g": 6}, {"name": "海藻", "dose_g": 9}], "packets": 7}
    findings = client.post("/herbs/check", json=body).get_json()["findings"]
    assert [f["code"] for f in findings] == ["incompatible_18"]


def test_only_the_editor_may_be_framed_and_only_by_our_own_pages(client, encounter):
    login(client, encounter.doctor)
    response = client.post(f"/herbs/encounters/{encounter.id}/prescriptions")
    editor = client.get(response.headers["Location"])
    assert editor.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in editor.headers["Content-Security-Policy"]
    workbench = client.get("/workbench")
    assert workbench.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in workbench.headers["Content-Security-Policy"]
