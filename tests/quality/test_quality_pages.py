"""The quality pages as the browser posts them: the patient's rating (once; a second try and a
bad score refused in Chinese with 422), the rating card on the visit page, a complaint filed and
read back, the doctor's page and appeal, the officer's desk (overdue marked), the decision and
the complaint's steps, and the figures page with its downloads (operators only)."""

import csv
import io
import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from quality.models import Complaint, Rating, RatingAppeal
from quality.services import complaints, figures, ratings
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import create_doctor, create_patient, create_user, login
from tests.quality.helpers import completed_visit, quality_officer

SHANGHAI = ZoneInfo("Asia/Shanghai")


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_patient_rates_a_visit_once_from_the_page(app, client):
    visit = completed_visit()
    db.session.commit()
    login(client, visit.patient.user)
    page = text(client.get(f"/encounters/{visit.id}"))
    assert 'id="rating-title"' in page and "去评价" in page
    assert "待评价" in text(client.get("/quality/mine"))
    url = f"/quality/rate/encounter/{visit.id}"
    refused = client.post(url, data={"comment": "还行"})
    assert refused.status_code == 422 and "请选择 1 至 5 星的评分。" in text(refused)
    assert client.post(url, data={"score": "4", "comment": "耐心"}).status_code == 302
    again = client.post(url, data={"score": "1"})
    assert again.status_code == 422 and "您已评价过，每项只能评价一次。" in text(again)
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 1
    assert "您对本次就诊的评分：4 分" in text(client.get(f"/encounters/{visit.id}"))


def test_the_doctor_sees_no_rating_card_and_another_patient_cannot_rate(app, client):
    visit = completed_visit()
    stranger = create_patient(name="李四")
    db.session.commit()
    login(client, visit.doctor)
    assert 'id="rating-title"' not in text(client.get(f"/encounters/{visit.id}"))
    other = app.test_client()
    login(other, stranger.user)
    assert other.get(f"/quality/rate/encounter/{visit.id}").status_code == 404


def test_a_complaint_is_filed_and_its_steps_and_answer_read_back(app, client):
    visit = completed_visit()
    officer = quality_officer()
    db.session.commit()
    login(client, visit.patient.user)
    form = text(client.get("/quality/complaints/new"))
    assert f"encounter:{visit.id}" in form
    empty = client.post("/quality/complaints/new", data={"patient_id": visit.patient_id})
    assert empty.status_code == 422 and "请在此填写，或改为录一段语音。" in text(empty)
    filed = client.post(
        "/quality/complaints/new",
        data={"patient_id": visit.patient_id, "about": f"encounter:{visit.id}", "text": "迟到"},
    )
    assert filed.status_code == 302
    complaint = db.session.scalar(sa.select(Complaint))
    staff = app.test_client()
    login(staff, officer)
    desk = text(staff.get("/quality/"))
    assert "待答复的投诉" in desk and "迟到" in desk
    bad = staff.post(f"/quality/complaints/{complaint.id}/steps", data={"kind": "note"})
    assert bad.status_code == 422 and "请写明发生了什么。" in text(bad)
    staff.post(
        f"/quality/complaints/{complaint.id}/steps", data={"kind": "contact", "text": "已致电"}
    )
    staff.post(f"/quality/complaints/{complaint.id}/answer", data={"answer": "已处理并致歉"})
    mine = text(client.get(f"/quality/complaints/{complaint.id}"))
    assert "已处理并致歉" in mine and "已致电" in mine and "联系患者" in mine
    assert "已答复" in mine


def test_the_desk_marks_an_overdue_complaint(app):
    patient = create_patient()
    officer = quality_officer()
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=SHANGHAI), tick=False):
        complaints.file(patient.user, patient.id, "", "问题一")
    db.session.commit()
    for day, overdue in ((7, False), (9, True)):  # due at the end of Monday 12-08
        with time_machine.travel(datetime(2026, 12, day, 9, tzinfo=SHANGHAI), tick=False):
            client = app.test_client()
            login(client, officer)
            assert ("已超时" in text(client.get("/quality/"))) is overdue


def test_the_doctor_appeals_from_the_page_and_the_officer_decides(app, client):
    visit = completed_visit()
    officer = quality_officer()
    rating = ratings.rate(visit.patient.user, "encounter", visit.id, 1, "没看上")
    db.session.commit()
    login(client, visit.doctor)
    page = text(client.get("/quality/doctor"))
    assert "我的评价" in page and "申诉此评价" in page
    url = f"/quality/ratings/{rating.id}/appeal"
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert client.post(url, data={"reason": "患者未上线"}).status_code == 302
    again = client.post(url, data={"reason": "再试"})
    assert again.status_code == 422 and "只能申诉一次" in text(again)
    appeal = db.session.scalar(sa.select(RatingAppeal))
    staff = app.test_client()
    login(staff, officer)
    assert "患者未上线" in text(staff.get("/quality/"))
    missing = staff.post(f"/quality/appeals/{appeal.id}", data={"decision": "uphold"})
    assert missing.status_code == 422 and "请填写理由。" in text(missing)
    done = staff.post(
        f"/quality/appeals/{appeal.id}", data={"decision": "uphold", "reason": "属实"}
    )
    assert done.status_code == 302
    assert "申诉成立，评价已撤销" in text(client.get("/quality/doctor"))


def test_another_doctor_cannot_open_the_appeal(app, client):
    visit = completed_visit()
    rating = ratings.rate(visit.patient.user, "encounter", visit.id, 1, "")
    db.session.commit()
    login(client, create_doctor(username="someone-else"))
    assert client.get(f"/quality/ratings/{rating.id}/appeal").status_code == 404


@pytest.mark.clock  # the visit's clinic day, whatever the hour
@pytest.mark.parametrize("role", [Role.QUALITY, Role.ADMIN])
def test_operators_see_the_figures_and_download_them(app, client, role):
    visit = completed_visit()
    day = visit.completed_at.astimezone(SHANGHAI).date()
    figures.compute(day, "cli")
    db.session.commit()
    login(client, create_user(role))
    page = text(client.get(f"/quality/figures?day={day.isoformat()}"))
    assert "按科室" in page and "按医生" in page and visit.doctor.full_name in page
    csv_file = client.get(f"/quality/figures.csv?day={day.isoformat()}")
    assert csv_file.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig"))))
    assert rows[1][1] == "全院" and rows[1][rows[0].index("完成诊次")] == "1"
    document = json.loads(client.get(f"/quality/figures.json?day={day.isoformat()}").data)
    assert document["rows"][0]["visits"] == 1
    assert client.get("/quality/figures.csv?day=2001-01-01").status_code == 404
    assert client.get("/quality/figures?day=yesterday").status_code == 422


def test_the_figures_page_computes_a_day_that_has_ended(app, client):
    officer = quality_officer()
    db.session.commit()
    with time_machine.travel(datetime(2026, 12, 4, 9, tzinfo=SHANGHAI), tick=False):
        login(client, officer)
        client.post("/quality/figures/compute", data={"day": "2026-12-03"})
        client.post("/quality/figures/compute", data={"day": "2026-12-04"})
    assert [r.day for r in figures.runs_of(date(2026, 12, 3))] == [date(2026, 12, 3)]
    assert figures.runs_of(date(2026, 12, 4)) == []


def test_patients_and_doctors_do_not_see_the_operator_page(app, client):
    login(client, create_patient().user)
    assert client.get("/quality/figures").status_code == 403
    assert client.get("/quality/figures.csv").status_code == 403
    doctor = app.test_client()
    login(doctor, create_doctor(username="dr-x"))
    assert doctor.get("/quality/figures.json").status_code == 403
    assert doctor.get("/quality/").status_code == 403


def test_a_guardian_rates_the_childs_visit_on_the_page(app, client):
    from tests.factories import create_child

    guardian = create_patient(name="王芳")
    child = create_child(guardian, years=8)
    visit = completed_visit(patient=child)
    db.session.commit()
    login(client, guardian.user)
    assert f"/quality/rate/encounter/{visit.id}" in text(client.get("/quality/mine"))
    assert (
        client.post(f"/quality/rate/encounter/{visit.id}", data={"score": "5"}).status_code == 302
    )
    assert db.session.scalar(sa.select(Rating.patient_id)) == child.id


def test_my_ratings_names_a_herb_order_in_chinese(app, client):
    from tests.quality.test_ratings import received_order

    rx, order = received_order()
    db.session.commit()
    login(client, rx.encounter.patient.user)
    page = text(client.get("/quality/mine"))
    shown = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])  # the text, not the links
    assert "药品订单" in shown and "herb_order" not in shown
    assert f"/quality/rate/herb_order/{order.id}" in page


def test_a_visit_after_midnight_is_dated_on_the_clinic_calendar(app, client):
    with time_machine.travel(datetime(2026, 12, 4, 1, tzinfo=SHANGHAI), tick=False):  # 17:00 UTC
        visit = completed_visit()
        db.session.commit()
        login(client, visit.patient.user)
        page = text(client.get("/quality/mine"))
    assert "2026-12-04" in page and "2026-12-03" not in page
