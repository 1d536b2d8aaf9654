"""The doctor decides a new follow-up's eligibility (复诊资格) on the visit page as rendered: the
decision is saved and shown (the form once posted without its hidden version and was refused)."""

from tcm_app.extensions import db
from tcm_app.services import documents
from tcm_app.services import encounters as encounter_service
from tests.factories import PASSWORD, create_encounter, pdf_bytes, png_bytes
from tests.journeys.conftest import sign_in


def test_doctor_decides_eligibility_of_a_new_follow_up(app, live_server, person):
    encounter = create_encounter()
    encounter_service.start_encounter(encounter, encounter.doctor)
    documents.add_document(
        encounter, encounter.patient.user, "outpatient_record", "r.pdf", pdf_bytes()
    )
    documents.add_document(
        encounter, encounter.patient.user, "discharge_summary", "d.png", png_bytes()
    )
    doctor, encounter_id = encounter.doctor.username, encounter.id
    db.session.commit()
    db.session.remove()

    page = person("doctor")
    sign_in(page, live_server, doctor, PASSWORD)
    page.goto(f"{live_server}/encounters/{encounter_id}")
    # The doctor reads the proofs of the in-person diagnosis before deciding (a PDF and a photo);
    # each opens in a tab of its own.
    proofs = page.locator("a[href*='/documents/']")
    assert proofs.count() == 2
    for n in range(2):
        with page.context.expect_page() as opened:
            proofs.nth(n).click()
        proof = opened.value
        proof.wait_for_load_state()
        proof.wait_for_load_state("networkidle")  # the PDF viewer asks for the icon after loading
        proof.close()
    form = page.locator("form", has=page.get_by_label("判定结果"))
    form.get_by_label("判定结果").select_option(label="符合在线复诊条件")
    form.get_by_label("原因").fill("门诊病历明确诊断胃脘痛，病情稳定")
    form.get_by_role("button").click()
    page.wait_for_load_state()
    assert "门诊病历明确诊断胃脘痛，病情稳定" in page.content()
