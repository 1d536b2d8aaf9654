"""The editor never refuses in silence and never calls an empty draft safe: an empty draft says
there is nothing to check yet; a draft saved meanwhile elsewhere keeps the typed lines, says why,
and saves on the next submit."""

import sqlalchemy as sa

from herbs.models import Prescription
from tcm_app.extensions import db
from tests.factories import create_prescribable_encounter, login

USAGE = "每日1剂，水煎400ml，分早晚两次温服"


def open_draft(client) -> Prescription:
    encounter = create_prescribable_encounter()
    login(client, encounter.doctor)
    assert client.post(f"/herbs/encounters/{encounter.id}/prescriptions").status_code == 302
    return db.session.scalar(sa.select(Prescription).where(Prescription.status == "draft"))


def rows(*lines) -> dict:
    data = {"packets": "7", "usage": USAGE}
    for i, (name, grams) in enumerate(lines):
        data |= {f"lines-{i}-name": name, f"lines-{i}-dose_g": grams, f"lines-{i}-method": ""}
    return data


def test_an_empty_draft_has_nothing_to_check_yet(app, client):
    draft = open_draft(client)
    page = client.get(f"/herbs/prescriptions/{draft.id}/edit").get_data(as_text=True)
    assert "尚无可检查的内容：已保存的草稿中还没有药味。" in page
    assert "未发现问题" not in page.split('id="live-findings"')[1].split("</section>")[0].replace(
        'data-ok-text="已录入的药味未发现问题。"', ""
    )


def test_a_draft_saved_meanwhile_keeps_the_typed_lines_and_saves_next_time(app, client):
    draft = open_draft(client)
    seen_version = draft.version
    first = client.post(f"/herbs/prescriptions/{draft.id}/edit", data=rows(("甘草", "6")))
    assert first.status_code == 302  # saved in another tab: the version moved on

    stale = rows(("桂枝", "9"), ("白芍", "9")) | {"version": str(seen_version)}
    refused = client.post(f"/herbs/prescriptions/{draft.id}/edit", data=stale)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "该草稿刚刚在其他标签页或窗口中被修改" in page
    assert 'value="桂枝"' in page and 'value="白芍"' in page

    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    again = client.post(
        f"/herbs/prescriptions/{draft.id}/edit", data=rows(("桂枝", "9")) | {"version": version}
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert [line.written_name for line in db.session.get(Prescription, draft.id).lines] == ["桂枝"]
