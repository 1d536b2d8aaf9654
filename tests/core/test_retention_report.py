"""The retention report (flask retention report, the admin page 保存期限到期记录): per kind of
record declared by the core and the domains, how many have passed their term on a clinic date and
the oldest of them. Records are made at frozen past times; nothing is ever deleted."""

import csv
import io
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from consults.services import calls
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.audit import AuditEntry
from tcm_app.services.audit import record_audit
from tcm_app.services.retention import past_term_report
from tests.factories import create_user, login, signed_prescription

CLINIC = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10, minute: int = 0):
    """Travel to a clinic wall-clock time (in UTC, as the suite does) with the clock stopped."""
    return time_machine.travel(
        datetime.combine(day, time(hour, minute), CLINIC).astimezone(UTC), tick=False
    )


@pytest.fixture
def records(app):
    """2009: a visit with its document, a signed prescription and a chat message (medical records
    past 15 years by 2026). 2022 and 2023: chat messages and audit entries (process records, 3
    years), one sent at 00:30 clinic time on 1 March 2023 (still 28 February in UTC)."""
    with at(date(2009, 6, 1)):
        rx = signed_prescription()
        calls.add_chat(rx.encounter_id, rx.doctor, "请伸舌")
    with at(date(2020, 6, 1)):
        recent = signed_prescription()  # within its 15 years in 2026
    with at(date(2022, 3, 1)):
        calls.add_chat(recent.encounter_id, recent.doctor, "服药后如何")
    with at(date(2023, 3, 1), 0, 30):
        calls.add_chat(recent.encounter_id, recent.doctor, "请复诊")
        record_audit("patient.view", "patient", 1, "patient record opened")
    db.session.commit()
    return rx


def lines_by_label(day: date) -> dict:
    return {line.label: line for line in past_term_report(day)}


def test_each_kind_counts_what_is_past_its_term_with_the_oldest_date(app, records):
    lines = lines_by_label(date(2026, 3, 1))
    seen = {label: (line.count, line.oldest) for label, line in lines.items()}
    assert seen["就诊记录"] == (1, date(2009, 6, 1))
    assert seen["既往诊断资料"] == (1, date(2009, 6, 1))  # its retain_until, 2024-06-01, passed
    assert seen["中药处方"] == (1, date(2009, 6, 1))
    assert seen["问诊聊天消息"] == (2, date(2009, 6, 1))  # 2009 and 2022; 2023-03-01 kept
    assert seen["舌象照片"] == (0, None)
    audit = lines["审计日志条目"]
    # 2009, 2020 and 2022 entries are past their 3 years; those of 1 March 2023 are not yet
    before_2023_03_01 = audit_entries_between(date(2009, 1, 1), date(2023, 3, 1))
    assert before_2023_03_01 < db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    assert (audit.count, audit.oldest, audit.years) == (before_2023_03_01, date(2009, 6, 1), 3)
    assert lines["就诊记录"].years == 15


def test_the_term_ends_on_the_clinic_date_not_the_utc_date(app, records):
    """Sent at 00:30 on 1 March 2023 in the clinic (28 February in UTC): still kept on 1 March
    2026, past its term on 2 March."""
    anniversary, day_after = lines_by_label(date(2026, 3, 1)), lines_by_label(date(2026, 3, 2))
    assert (anniversary["问诊聊天消息"].count, day_after["问诊聊天消息"].count) == (2, 3)
    that_day = audit_entries_between(date(2023, 3, 1), date(2023, 3, 2))
    assert that_day >= 1
    assert day_after["审计日志条目"].count == anniversary["审计日志条目"].count + that_day


def audit_entries_between(first: date, end: date) -> int:
    start, stop = (datetime.combine(day, time(0), CLINIC) for day in (first, end))
    return db.session.scalar(
        sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.occurred_at >= start, AuditEntry.occurred_at < stop
        )
    )


def test_every_installed_kind_is_in_the_report_once(app):
    labels = [line.label for line in past_term_report(date(2026, 1, 1))]
    assert labels == [
        "就诊记录",
        "既往诊断资料",
        "审计日志条目",
        "中药处方",
        "问诊聊天消息",
        "视频问诊录像",
        "视频问诊过程事件",
        "舌象照片",
        "拍方抓药",
    ]


def test_the_command_prints_and_writes_csv_and_deletes_nothing(app, runner, records, tmp_path):
    before = db.session.scalar(sa.text("SELECT COUNT(*) FROM consult_chat_messages"))
    out = tmp_path / "past-term.csv"
    result = runner.invoke(args=["retention", "report", "--as-of", "2026-03-01", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    assert "as of 2026-03-01 (nothing is deleted)" in result.output
    assert "问诊聊天消息\t3 years\t2\toldest 2009-06-01" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    chat = next(row for row in rows if row["kind"] == "问诊聊天消息")
    assert chat == {
        "as_of": "2026-03-01",
        "kind": "问诊聊天消息",
        "category": "process_record",
        "years": "3",
        "past_term": "2",
        "oldest": "2009-06-01",
    }
    assert db.session.scalar(sa.text("SELECT COUNT(*) FROM consult_chat_messages")) == before


def test_the_command_refuses_a_date_that_is_not_one(app, runner):
    result = runner.invoke(args=["retention", "report", "--as-of", "2026-02-30"])
    assert result.exit_code == 2 and "--as-of" in result.output


def test_the_admin_page_lists_the_kinds_on_the_clinic_today(app, client, records):
    admin = create_user(Role.ADMIN)
    db.session.commit()
    with at(date(2026, 3, 2)):
        login(client, admin)
        html = client.get("/admin/retention").get_data(as_text=True)
    assert "截至 2026-03-02（诊所日期）" in html
    assert "不会删除记录" in html
    row = html[html.index("<td>问诊聊天消息</td>") :].split("</tr>")[0]
    assert "过程记录，3 年" in row and ">3</td>" in row and "2009-06-01" in row
