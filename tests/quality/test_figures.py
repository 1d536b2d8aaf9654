"""The daily figures (quality/services/figures.py): per doctor, department and hospital, from the
visits completed that day (their length), first responses (text consult and video call) and
unanswered consults, ratings not removed, complaints, prescriptions signed and renewals; each
computation a new run (nothing overwritten), the beat task once a day, the CLI on any day, and
the exports (JSON with field codes and units, CSV in UTF-8 with a BOM and Chinese headers)."""

import csv
import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from consults.models import ConsultCall, TextConsult
from herbs.models import PrescriptionRenewal
from quality.models import DailyFigure, FigureRun
from quality.services import complaints, export, figures, ratings
from quality.tasks import compute_daily_figures
from tcm_app.extensions import db
from tcm_app.services import encounters
from tests.factories import create_department, create_doctor, create_patient, signed_prescription
from tests.quality.helpers import quality_officer

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 3)  # a Thursday


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def visit_lasting(minutes: int, doctor, patient=None, hour: int = 10):
    """A visit started at `hour` and completed `minutes` later on DAY."""
    with time_machine.travel(at(hour), tick=False) as clock:
        visit = completed_visit_started(doctor, patient, clock, minutes)
    return visit


def completed_visit_started(doctor, patient, clock, minutes):
    from tests.factories import create_prescribable_encounter

    visit = create_prescribable_encounter(patient=patient, doctor=doctor)
    clock.shift(timedelta(minutes=minutes))
    encounters.complete_encounter(visit, visit.doctor)
    db.session.flush()
    return visit


def text_thread(visit, opened, replied=None, unanswered_at=None):
    db.session.add(
        TextConsult(
            encounter_id=visit.id, opened_by_id=visit.patient.user_id, opened_at=opened,
            reply_due_at=opened + timedelta(hours=24), first_reply_at=replied,
            last_message_at=replied or opened, status="closed" if unanswered_at else "open",
            closed_at=unanswered_at, close_reason="unanswered" if unanswered_at else None,
        )
    )  # fmt: skip
    db.session.flush()


@pytest.fixture
def day_of_work(app):
    """Two doctors of 内科 and one of 针灸科 with a day of work on DAY."""
    internal = create_department()
    acupuncture = create_department("acupuncture", "针灸科", "Acupuncture")
    zhang = create_doctor(username="dr-zhang", department=internal)
    li = create_doctor(username="dr-li", department=internal)
    wang = create_doctor(username="dr-wang", department=acupuncture)
    patient = create_patient()
    a = visit_lasting(10, zhang, patient, hour=9)
    b = visit_lasting(20, zhang, patient, hour=11)
    c = visit_lasting(30, li, patient, hour=14)
    visit_lasting(15, wang, patient, hour=15)
    # Responses: zhang answers a thread in 30 min; li's call starts 2 min after the patient waits;
    # a thread of li's closes unanswered on DAY (the fee refunded), counted against li.
    text_thread(a, at(8), replied=at(8, 30))
    db.session.add(ConsultCall(encounter_id=c.id, waiting_since=at(13, 58), started_at=at(14)))
    late = visit_lasting(5, li, patient, hour=16)
    text_thread(late, at(6, 0, DAY - timedelta(days=1)), unanswered_at=at(6))
    # Ratings on DAY: zhang 5 and 3, li 1 (appealed and upheld: it does not count).
    with time_machine.travel(at(18), tick=False):
        ratings.rate(patient.user, "encounter", a.id, 5, "")
        ratings.rate(patient.user, "encounter", b.id, 3, "")
        removed = ratings.rate(patient.user, "encounter", c.id, 1, "")
        appeal = ratings.appeal(li, removed.id, "患者未上线")
        ratings.decide(quality_officer(), appeal.id, True, "属实")
        complaints.file(patient.user, patient.id, f"encounter:{b.id}", "等待太久")
        complaints.file(patient.user, patient.id, "", "挂号流程复杂")
    db.session.commit()
    return {"internal": internal, "acupuncture": acupuncture, "zhang": zhang, "li": li,
            "wang": wang}  # fmt: skip


def scoped(run) -> dict:
    rows = figures.rows_of(run)
    found = {("hospital", None): rows[0].figures}
    for row in rows[1:]:
        name = row.department_code if row.scope == "department" else row.doctor_name
        found[(row.scope, name)] = row.figures
    return found


def test_the_days_figures_per_doctor_department_and_hospital(app, day_of_work):
    run = figures.compute(DAY, "cli")
    db.session.commit()
    found = scoped(run)
    by_id = {r.scope_id: r.figures for r in figures.rows_of(run) if r.scope == "doctor"}
    zhang, li, wang = (by_id[day_of_work[n].id] for n in ("zhang", "li", "wang"))
    assert (zhang["visits"], zhang["visit_seconds_mean"]) == (2, 900)
    assert (zhang["responses"], zhang["response_seconds_mean"]) == (1, 1800)
    assert (zhang["ratings"], zhang["rating_mean"]) == (2, 4.0)
    assert (zhang["complaints"], zhang["complaint_rate"]) == (1, 50.0)
    assert (li["visits"], li["responses"], li["response_seconds_mean"]) == (2, 1, 120)
    assert li["missed_responses"] == 1
    assert (li["ratings"], li["rating_mean"]) == (0, None)  # the upheld appeal removed it
    assert (wang["visits"], wang["visit_seconds_mean"], wang["complaints"]) == (1, 900, 0)
    internal = found[("department", "tcm_internal")]
    assert (internal["visits"], internal["visit_seconds_mean"]) == (4, 975)
    assert internal["ratings"] == 2 and internal["missed_responses"] == 1
    hospital = found[("hospital", None)]
    assert (hospital["visits"], hospital["complaints"]) == (5, 2)  # one complaint names no one
    assert hospital["complaint_rate"] == 40.0


def test_repeat_prescriptions_are_counted_among_those_signed_that_day(app):
    doctor = create_doctor(username="dr-rx")
    with time_machine.travel(at(10), tick=False):
        first = signed_prescription(doctor=doctor)
        second = signed_prescription(doctor=doctor)
        signed_prescription(doctor=doctor)
    db.session.add(
        PrescriptionRenewal(
            source_id=first.id, encounter_id=second.encounter_id, patient_id=second.patient_id,
            requested_by_id=second.encounter.patient.user_id, status="renewed",
            new_prescription_id=second.id,
        )
    )  # fmt: skip
    db.session.commit()
    hospital = scoped(figures.compute(DAY, "cli"))[("hospital", None)]
    assert (hospital["prescriptions"], hospital["renewals"]) == (3, 1)
    assert hospital["renewal_share"] == 33.3
    assert (
        scoped(figures.compute(DAY + timedelta(days=1), "cli"))[("hospital", None)]["prescriptions"]
        == 0
    )


def test_a_recompute_adds_a_run_and_the_latest_is_shown(app, day_of_work):
    first = figures.compute(DAY, "beat")
    second = figures.compute(DAY, "cli")
    db.session.commit()
    assert figures.latest_run(DAY).id == second.id
    assert [r.id for r in figures.runs_of(DAY)] == [second.id, first.id]
    kept = db.session.scalar(sa.select(sa.func.count()).where(DailyFigure.run_id == first.id))
    assert kept == 1 + 2 + 3  # hospital, two departments, three doctors


def test_figures_are_append_only(app, day_of_work):
    run = figures.compute(DAY, "cli")
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(
            sa.update(DailyFigure).where(DailyFigure.run_id == run.id).values(visits=0)
        )
        db.session.flush()
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.delete(FigureRun).where(FigureRun.id == run.id))
        db.session.flush()
    db.session.rollback()


def test_the_beat_task_computes_yesterday_once(app):
    with time_machine.travel(at(0, 30, DAY + timedelta(days=1)), tick=False):
        first = compute_daily_figures.apply().get()
        again = compute_daily_figures.apply().get()
    assert first is not None and again is None
    assert db.session.get(FigureRun, first).day == DAY


def test_the_cli_computes_a_given_day(app, runner, day_of_work):
    result = runner.invoke(args=["quality", "figures", "--day", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["day"], summary["visits"], summary["complaints"]) == ("2026-12-03", 5, 2)
    bad = runner.invoke(args=["quality", "figures", "--day", "03/12/2026"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_the_json_export_has_field_codes_units_and_every_scope(app, day_of_work):
    document = json.loads(export.as_json(figures.compute(DAY, "cli")))
    assert document["day"] == "2026-12-03" and document["time_zone"] == "Asia/Shanghai"
    assert document["fields"]["response_seconds_mean"]["unit"] == "seconds"
    assert document["fields"]["complaint_rate"]["unit"] == "percent"
    scopes = [row["scope"] for row in document["rows"]]
    assert scopes == ["hospital", "department", "department", "doctor", "doctor", "doctor"]
    internal = next(r for r in document["rows"] if r["department_code"] == "tcm_internal")
    assert internal["department_name"] == "中医内科" and internal["visits"] == 4


def test_the_csv_export_opens_in_excel_with_chinese_headers(app, day_of_work):
    data = export.as_csv(figures.compute(DAY, "cli"))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["日期", "范围", "科室", "医生", "执业证书编号"]
    assert "平均首次响应时间（秒）" in rows[0] and "投诉率（每百诊次）" in rows[0]
    assert rows[1][1] == "全院" and rows[1][rows[0].index("完成诊次")] == "5"
    assert len(rows) == 1 + 6


def test_a_demo_preview_does_not_stop_the_beat_task(app):
    figures.compute(DAY, "demo")
    db.session.commit()
    with time_machine.travel(at(0, 30, DAY + timedelta(days=1)), tick=False):
        run_id = compute_daily_figures.apply().get()
    assert run_id is not None and figures.latest_run(DAY).trigger == "beat"
