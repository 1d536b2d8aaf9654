"""The follow-up pages through the test client: the plan form answers a bad start next to its
field (422) and keeps what was typed; a patient's unanswered questions are named in Chinese
beside each; a photo task refuses a PDF on the page; the report form offers the chosen
prescription's herbs; pages are refused (404) to whoever is not the plan's doctor or patient."""

import html
import io
from datetime import timedelta

import pytest

from followup.models import FollowUpPlan
from tcm_app.extensions import db
from tests.factories import create_doctor, create_pharmacist, login, pdf_bytes
from tests.followup.helpers import START, at_noon, herbal_plan, visit_with_prescription


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def visit(app):
    with at_noon(START):
        return visit_with_prescription()


def test_the_doctor_sets_a_plan_from_the_visit_page(client, visit):
    encounter, rx = visit
    with at_noon(START):
        login(client, encounter.doctor)
        page = text(client.get(f"/encounters/{encounter.id}"))
        assert "制定随访计划" in page
        form = text(client.get(f"/followup/encounters/{encounter.id}/plans/new"))
        assert "中药疗程随访（第3、7、14天）" in form and 'value="2026-03-02"' in form
        refused = client.post(
            f"/followup/encounters/{encounter.id}/plans/new",
            data={"template": "herbal_course", "start_on": "2026-01-01", "note": "忌生冷"},
        )
        assert refused.status_code == 422
        assert "开始日期须在今天之前一周至之后一个月之内。" in text(refused)
        assert "忌生冷" in text(refused)
        done = client.post(
            f"/followup/encounters/{encounter.id}/plans/new",
            data={"template": "", "start_on": "2026-03-02", "prescription_id": str(rx.id),
                  "tasks-0-day": "5", "tasks-0-kind": "questionnaire",
                  "tasks-0-scale": "medication", "tasks-1-day": "10", "tasks-1-kind": "revisit"},
        )  # fmt: skip
    assert done.status_code == 302
    plan = db.session.scalars(db.select(FollowUpPlan)).one()
    assert [(t.day, t.kind) for t in plan.tasks] == [(5, "questionnaire"), (10, "revisit")]


def test_a_task_row_without_its_questionnaire_is_named(client, visit):
    encounter, _ = visit
    with at_noon(START):
        login(client, encounter.doctor)
        refused = client.post(
            f"/followup/encounters/{encounter.id}/plans/new",
            data={"template": "", "start_on": "2026-03-02", "tasks-0-day": "3",
                  "tasks-0-kind": "questionnaire"},
        )  # fmt: skip
    assert refused.status_code == 422
    assert "问卷任务请选择问卷。" in text(refused)


def test_unanswered_questions_are_named_beside_each(client, visit):
    encounter, rx = visit
    with at_noon(START):
        plan = herbal_plan(encounter, rx)
    task = plan.tasks[0]
    with at_noon(START + timedelta(days=3)):
        login(client, encounter.patient.user)
        page = text(client.get("/followup/mine"))
        assert "立即填写" in page
        refused = client.post(f"/followup/tasks/{task.id}", data={"symptoms": "2"})
        assert refused.status_code == 422
        assert text(refused).count("请回答每一个问题。") == 5
        done = client.post(
            f"/followup/tasks/{task.id}",
            data={"symptoms": "4", "taken": "1", "reaction": "1", "stool": "1",
                  "appetite": "3", "sleep": "3", "note": "胃胀加重"},
        )  # fmt: skip
    assert done.status_code == 302 and done.location.endswith("/followup/mine")
    db.session.refresh(task)
    assert task.alerts == ["worse"] and task.note == "胃胀加重"


def test_a_photo_task_refuses_a_pdf_on_the_page(client, visit):
    encounter, rx = visit
    with at_noon(START):
        plan = herbal_plan(encounter, rx)
    with at_noon(START + timedelta(days=7)):
        login(client, encounter.patient.user)
        refused = client.post(
            f"/followup/tasks/{plan.tasks[2].id}",
            data={"file": (io.BytesIO(pdf_bytes()), "tongue.pdf")},
            content_type="multipart/form-data",
        )
    assert refused.status_code == 422
    assert "请上传照片（JPEG或PNG），不接受PDF。" in text(refused)


def test_the_report_form_offers_the_chosen_prescriptions_herbs(client, visit):
    encounter, rx = visit
    with at_noon(START):
        login(client, encounter.patient.user)
        chooser = text(client.get("/followup/reactions/new"))
        assert f"/followup/reactions/new?prescription_id={rx.id}" in chooser
        form = text(client.get(f"/followup/reactions/new?prescription_id={rx.id}"))
        assert 'value="黄芪"' in form and 'value="当归"' in form
        refused = client.post(
            "/followup/reactions/new",
            data={"prescription_id": str(rx.id), "onset_on": "2026-03-02", "description": "腹泻"},
        )
    assert refused.status_code == 422
    page = text(refused)
    assert "请选择严重程度。" in page and "请用5至2000字描述发生的情况。" in page


def test_a_plan_page_is_not_found_for_others(client, visit):
    encounter, rx = visit
    with at_noon(START):
        plan = herbal_plan(encounter, rx)
    other = create_doctor(username="dr-other")
    db.session.commit()
    login(client, other)
    assert client.get(f"/followup/plans/{plan.id}").status_code == 404
    assert client.get(f"/followup/tasks/{plan.tasks[0].id}/photo").status_code == 404


def test_the_pharmacist_lists_reactions_by_their_due_date(client, visit):
    pharmacist = create_pharmacist(username="pharm-list")
    db.session.commit()
    login(client, pharmacist)
    page = text(client.get("/followup/reactions"))
    assert "尚无不良反应报告。" in page and "第二十条" in page
