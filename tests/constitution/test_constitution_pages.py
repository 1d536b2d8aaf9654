"""The patient's constitution pages through the test client: start, answer page by page (saved
as they go, resumable), the review naming unanswered questions, submit once, the result; a
stranger's assessment is not found."""

import html
import re
from datetime import date

import pytest

from constitution.models import Assessment
from tcm_app.extensions import db
from tests.constitution.helpers import ccmq
from tests.factories import create_child, create_patient, login


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def patient(app, client):
    patient = create_patient(sex="female")
    db.session.commit()
    login(client, patient.user)
    return patient


def start(client, patient) -> Assessment:
    response = client.post("/constitution/start", data={"patient_id": patient.id, "scale": "ccmq"})
    assert response.status_code == 302
    assessment = db.session.scalars(db.select(Assessment)).one()
    assert response.location.endswith(f"/constitution/a/{assessment.id}/page/1")
    return assessment


def page_items(number: int) -> list[str]:
    questions = [item.code for item in ccmq().questions("female")]
    return questions[(number - 1) * 5 : number * 5]


def answer_page(client, assessment, number, value=2, go="next", skip=()):
    data = {code: value for code in page_items(number) if code not in skip}
    return client.post(f"/constitution/a/{assessment.id}/page/{number}", data={**data, "go": go})


def test_the_first_page_shows_five_questions_and_the_progress(client, patient):
    assessment = start(client, patient)
    page = text(client.get(f"/constitution/a/{assessment.id}/page/1"))
    assert "您手脚发凉吗？" in page and "您感到手脚心发热吗？" not in page
    assert page.count('class="question') == 5
    assert "第 1 页，共 12 页" in page and "已答 0/60 题" in page


def test_answers_are_kept_and_answering_resumes_where_it_stopped(client, patient):
    assessment = start(client, patient)
    for number in (1, 2, 3):
        assert answer_page(client, assessment, number).status_code == 302
    response = answer_page(client, assessment, 4, go="later", skip=page_items(4)[2:])
    assert response.location.endswith(f"/constitution/?patient_id={patient.id}")
    db.session.refresh(assessment)
    assert len(assessment.answers) == 17 and assessment.page == 4
    mine = text(client.get("/constitution/"))
    assert "已答 17/60 题" in mine
    assert f"/constitution/a/{assessment.id}/page/4" in mine
    again = text(client.get(f"/constitution/a/{assessment.id}/page/4"))
    assert re.search(r'value="2" checked|checked[^>]*value="2"', again)


def test_the_review_names_every_unanswered_question_and_refuses_submitting(client, patient):
    assessment = start(client, patient)
    for number in range(1, 13):
        answer_page(client, assessment, number, skip=("qiyu_3",) if number == 11 else ())
    review = client.get(f"/constitution/a/{assessment.id}/review")
    assert "尚未回答：1" in text(review)
    refused = client.post(f"/constitution/a/{assessment.id}/review")
    assert refused.status_code == 422
    page = text(refused)
    assert "1 道题尚未回答" in page and "您多愁善感、感情脆弱吗？" in page
    db.session.refresh(assessment)
    assert assessment.status == "draft"


def test_submitting_shows_the_result_and_the_assessment_cannot_be_answered_again(client, patient):
    assessment = start(client, patient)
    for number in range(1, 13):
        answer_page(client, assessment, number, value=1)
    submitted = client.post(f"/constitution/a/{assessment.id}/review")
    assert submitted.location.endswith(f"/constitution/a/{assessment.id}")
    result = text(client.get(submitted.location))
    assert "您是平和质" in result and "平和质" in result
    changed = answer_page(client, assessment, 1, value=5)
    assert changed.location.endswith(f"/constitution/a/{assessment.id}")
    db.session.refresh(assessment)
    assert assessment.answers["yangxu_1"] == 1


def test_a_guardian_takes_it_for_a_child(client, patient):
    child = create_child(patient, years=9)
    db.session.commit()
    response = client.post("/constitution/start", data={"patient_id": child.id, "scale": "ccmq"})
    assert response.status_code == 302
    assert db.session.scalars(db.select(Assessment)).one().patient_id == child.id


def test_someone_elses_assessment_is_not_found(app, client, patient):
    other = create_patient(sex="male", name="李雷")
    db.session.commit()
    from constitution.services import assessments

    theirs = assessments.start(other.user, other, "ccmq")
    db.session.commit()
    assert client.get(f"/constitution/a/{theirs.id}/page/1").status_code == 404
    assert client.get(f"/constitution/a/{theirs.id}").status_code == 404
    refused = client.post("/constitution/start", data={"patient_id": other.id, "scale": "ccmq"})
    assert refused.status_code == 404


def test_an_older_patient_is_offered_the_older_peoples_form_first(app, client):
    older = create_patient(birth=date(1950, 3, 1), sex="male", name="张伯")
    db.session.commit()
    login(client, older.user)
    mine = text(client.get("/constitution/"))
    assert mine.index("老年人中医药健康管理服务记录表") < mine.index("中医体质分类与判定自测表")
    started = client.post("/constitution/start", data={"patient_id": older.id, "scale": "elderly"})
    assessment = db.session.scalars(db.select(Assessment)).one()
    assert assessment.scale_code == "elderly"
    page2 = text(client.get(f"/constitution/a/{assessment.id}/page/2"))
    assert "第 2 页，共 7 页" in page2 and "BMI＜24" in page2
    assert started.status_code == 302


def test_a_scale_not_for_the_patients_age_is_refused_with_the_reason(client, patient):
    refused = client.post(
        "/constitution/start", data={"patient_id": patient.id, "scale": "elderly"}
    )
    page = text(client.get(refused.location))
    assert "请选择问卷。" in page or "此问卷不适用于该患者的年龄。" in page
    assert db.session.scalars(db.select(Assessment)).first() is None
