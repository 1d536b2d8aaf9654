"""The administrator opens 保存期限到期记录 from the menu and reads, per kind of record, how many
have passed their retention term and the oldest date, told that nothing is deleted. The records
were made with the clock frozen years back: a visit with its document and prescription in 2009
(medical records, 15 years) and chat messages in 2009 and four years ago (process records, 3
years); one message from last year is still within its term."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import time_machine

from consults.services import calls
from tcm_app.common.retention import add_years
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services.clock import clinic_today
from tests.factories import PASSWORD, create_user, signed_prescription
from tests.journeys.conftest import sign_in

CLINIC = ZoneInfo("Asia/Shanghai")


def frozen_at(day: date):
    moment = datetime.combine(day, time(10), CLINIC).astimezone(UTC)
    return time_machine.travel(moment, tick=False)


def row_cells(page, label: str) -> list[str]:
    row = page.locator("table.retention tbody tr").filter(has_text=label)
    return row.locator("td").all_inner_texts()


def test_admin_reads_what_has_passed_its_retention_term(app, live_server, person):
    today = clinic_today()
    four_years_ago, last_year = add_years(today, -4), add_years(today, -1)
    with frozen_at(date(2009, 6, 1)):
        rx = signed_prescription()
        calls.add_chat(rx.encounter_id, rx.doctor, "请伸舌")
    with frozen_at(four_years_ago):
        calls.add_chat(rx.encounter_id, rx.doctor, "服药后如何")
    with frozen_at(last_year):
        calls.add_chat(rx.encounter_id, rx.doctor, "请按时复诊")
    create_user(Role.ADMIN, username="admin-records", full_name="周管理员")
    db.session.commit()
    db.session.remove()

    page = person("admin")
    sign_in(page, live_server, "admin-records", PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="保存期限到期记录").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "保存期限到期记录"
    main = page.inner_text("main")
    assert f"截至 {today.isoformat()}（诊所日期）" in main
    assert "不会删除记录" in main and "由病案管理负责人" in main
    assert row_cells(page, "就诊记录") == ["就诊记录", "病历资料，15 年", "1", "2009-06-01"]
    assert row_cells(page, "既往诊断资料") == ["既往诊断资料", "病历资料，15 年", "1", "2009-06-01"]
    assert row_cells(page, "中药处方") == ["中药处方", "病历资料，15 年", "1", "2009-06-01"]
    assert row_cells(page, "问诊聊天消息") == ["问诊聊天消息", "过程记录，3 年", "2", "2009-06-01"]
    assert row_cells(page, "舌象照片") == ["舌象照片", "病历资料，15 年", "0", "无"]
