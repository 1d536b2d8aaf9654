"""Two tabs on one visit: the doctor saves the 四诊 notes in one, then records the eligibility
decision in the other, opened before. The second tab says, in Chinese, that someone else changed
the visit, shows the visit as it is now (the notes from the first tab), keeps the typed reason,
and the next submit saves it."""

from tcm_app.extensions import db
from tcm_app.services import documents
from tcm_app.services import encounters as encounter_service
from tests.factories import PASSWORD, create_encounter, png_bytes
from tests.journeys.conftest import sign_in


def test_a_stale_tab_says_the_visit_changed_and_keeps_the_typed_text(
    app, live_server, person, watcher
):
    encounter = create_encounter()
    encounter_service.start_encounter(encounter, encounter.doctor)
    documents.add_document(
        encounter, encounter.patient.user, "discharge_summary", "d.png", png_bytes()
    )
    doctor, encounter_id = encounter.doctor.username, encounter.id
    db.session.commit()
    db.session.remove()

    first = person("doctor")
    sign_in(first, live_server, doctor, PASSWORD)
    first.goto(f"{live_server}/encounters/{encounter_id}")
    second = first.context.new_page()
    watcher.attach(second, "doctor, second tab")
    second.goto(f"{live_server}/encounters/{encounter_id}")

    first.get_by_label("切诊", exact=True).fill("脉沉细")
    with first.expect_navigation():
        first.get_by_role("button", name="保存四诊记录").click()

    watcher.expect("status of 409")
    reason = "门诊病历明确诊断胃脘痛，病情稳定"
    form = second.locator("form", has=second.get_by_label("判定结果"))
    form.get_by_label("判定结果").select_option(label="符合在线复诊条件")
    form.get_by_label("原因").fill(reason)
    with second.expect_navigation():
        form.get_by_role("button", name="保存判定").click()
    alert = form.get_by_role("alert")
    assert "其他人刚刚修改了这次就诊" in alert.inner_text()
    assert form.get_by_label("原因").input_value() == reason
    assert second.get_by_label("切诊", exact=True).input_value() == "脉沉细"  # as it is now

    with second.expect_navigation():
        form.get_by_role("button", name="保存判定").click()
    assert second.get_by_role("alert").count() == 0, second.get_by_role("alert").all_inner_texts()
    assert reason in second.locator("section", has_text="复诊资格").first.inner_text()
