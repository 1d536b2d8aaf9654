"""Every formula template loads and pre-fills the editor, and an adjuvant line (白酒 in
瓜蒌薤白半夏汤, not a catalogue herb) travels editor → signed prescription → 处方笺 PDF that the
pharmacist and the decoction room read: never dropped, never checked as an unknown herb."""

import html
import re

import pytest
import sqlalchemy as sa

from herbs.models import FormulaTemplate, Prescription
from tcm_app.extensions import db
from tests.factories import SIGNING_PASSWORD, bearer, create_prescribable_encounter, login
from tests.herbs.test_prescribing_pages import pdf_text

GUALOU = "瓜蒌薤白半夏汤"


@pytest.fixture
def encounter(app):
    return create_prescribable_encounter()


def template_named(name: str) -> FormulaTemplate:
    return db.session.scalar(sa.select(FormulaTemplate).where(FormulaTemplate.name == name))


def new_draft(client, encounter) -> Prescription:
    login(client, encounter.doctor)
    client.post(f"/herbs/encounters/{encounter.id}/prescriptions")
    return db.session.scalar(
        sa.select(Prescription).where(Prescription.encounter_id == encounter.id)
    )


def usage_shown(page: str) -> str:
    field = re.search(r'<input[^>]*name="usage"[^>]*>', page).group(0)
    return html.unescape(re.search(r'value="([^"]*)"', field).group(1))


def test_the_import_keeps_bai_jiu_as_an_adjuvant_line(app):
    template = template_named(GUALOU)
    # 半夏 written unmarked is dispensed as 法半夏 (《医疗用毒性药品管理办法》第九条).
    assert [line.herb_name for line in template.herb_lines] == ["瓜蒌", "薤白", "法半夏"]
    [bai_jiu] = template.adjuvant_lines
    assert (bai_jiu.herb_name, bai_jiu.herb_id, bai_jiu.original) == ("白酒", None, "白酒 一斗")


def test_every_template_loads_and_prefills_the_editor(client, encounter):
    rx = new_draft(client, encounter)
    templates = db.session.scalars(sa.select(FormulaTemplate)).all()
    assert len(templates) >= 100
    for template in templates:
        response = client.get(f"/herbs/prescriptions/{rx.id}/edit?template={template.id}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200, template.name
        assert template.name in page
        for line in template.herb_lines:
            assert f'value="{line.herb_name}"' in page, (template.name, line.herb_name)
        for line in template.adjuvant_lines:
            assert line.original in usage_shown(page), template.name
            assert f'value="{line.herb_name}"' not in page, "an adjuvant is never a herb row"


def test_bai_jiu_reaches_the_signed_prescription_and_its_pdf(client, encounter, tmp_path):
    rx = new_draft(client, encounter)
    template = template_named(GUALOU)
    page = client.get(f"/herbs/prescriptions/{rx.id}/edit?template={template.id}").get_data(
        as_text=True
    )
    usage = usage_shown(page)
    assert "辅料（非饮片）：白酒 一斗" in usage
    # The doctor confirms each line, gives grams and writes the processed 法半夏 that is dispensed.
    rows = [("瓜蒌", "12"), ("薤白", "9"), ("法半夏", "9")]
    data = {"packets": "7", "usage": usage, "template_id": str(template.id)}
    for i, (name, grams) in enumerate(rows):
        data |= {
            f"lines-{i}-name": name,
            f"lines-{i}-dose_g": grams,
            f"lines-{i}-method": "",
            f"lines-{i}-from_template": "1",
            f"lines-{i}-confirmed": "y",
        }
    saved = client.post(f"/herbs/prescriptions/{rx.id}/edit", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:1500]
    signed = client.post(
        f"/herbs/prescriptions/{rx.id}/sign", data={"signing_password": SIGNING_PASSWORD}
    )
    assert signed.status_code == 302
    db.session.expire_all()
    rx = db.session.get(Prescription, rx.id)
    assert rx.status == "pending_review"
    assert [line.written_name for line in rx.lines] == ["瓜蒌", "薤白", "法半夏"]
    assert "白酒 一斗" in rx.usage
    view = client.get(f"/herbs/prescriptions/{rx.id}").get_data(as_text=True)
    assert "白酒 一斗" in view  # the pharmacist's review screen shows the usage line
    text = pdf_text(client.get(f"/herbs/prescriptions/{rx.id}/pdf").data, tmp_path)
    assert "白酒 一斗" in text.replace("\n", "")


def test_the_api_names_the_adjuvant_line_as_such(client, app):
    from tests.factories import create_doctor

    headers = bearer(create_doctor())
    template = template_named(GUALOU)
    detail = client.get(f"/api/v1/formulas/{template.id}", headers=headers).get_json()
    kinds = {line["herb"]: line["kind"] for line in detail["lines"]}
    assert kinds == {"瓜蒌": "herb", "薤白": "herb", "法半夏": "herb", "白酒": "adjuvant"}


@pytest.mark.parametrize(
    "document",
    ["worksheet_pdf", "labels_pdf"],
    ids=lambda name: f"the decoction room's {name} shows the 白酒 adjuvant from the usage",
)
def test_the_decoction_room_reads_the_adjuvant(app, tmp_path, document):
    from decoction.services import documents, orders
    from tests.factories import approved_prescription

    lines = (("瓜蒌", 12), ("薤白", 9), ("法半夏", 9))
    usage = "每日1剂，分两次温服；辅料（非饮片）：白酒 一斗"
    rx = approved_prescription(lines, 7, usage)
    order = orders.place_order(rx, rx.encounter.patient.user, "decocted", "pickup")
    db.session.commit()
    with app.test_request_context():
        text = pdf_text(getattr(documents, document)(order), tmp_path)
    assert "白酒 一斗" in text.replace("\n", "")
