"""The administrator creates a staff account from the accounts page, deactivates and reactivates
it, then reads the audit log: Chinese action names, clinic times, filters by person, action and
date range, and pages through older entries."""

from datetime import datetime, timedelta

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_now, clinic_today
from tests.factories import PASSWORD, create_department, create_user
from tests.journeys.conftest import sign_in


def rows(page):
    return page.locator("table.audit tbody tr")


def show(page, **filters):
    """Fill the audit filters as given (label → value) and show the entries."""
    for label, value in filters.items():
        field = page.get_by_label(label)
        if label == "操作":
            field.select_option(label=value)
        else:
            field.fill(value)
    page.get_by_role("button", name="查看记录").click()
    page.wait_for_load_state()


def test_admin_manages_staff_and_reads_the_audit_log(app, live_server, person):
    create_department()
    create_user(Role.ADMIN, username="admin-zhou", full_name="周管理员")
    desk = create_user(Role.CLINIC, username="desk-chen", full_name="陈静")
    for n in range(55):
        record_audit("patient.view", "patient", n, f"patient record {n} opened", actor=desk)
    db.session.commit()
    db.session.remove()

    page = person("admin")
    sign_in(page, live_server, "admin-zhou", PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="账号管理").click()
    page.get_by_label("用户名").fill("pharm-wu")
    page.get_by_label("姓名").fill("吴药师")
    page.get_by_label("初始密码").fill("Wu-2026-pass")
    page.get_by_label("角色").select_option(label="药师")
    page.get_by_label("执业证书编号").fill("YS-2026-0101")
    page.get_by_role("button", name="创建账号").click()
    page.wait_for_load_state()
    assert "账号已创建。" in page.inner_text("main")
    row = page.get_by_role("row").filter(has_text="pharm-wu")
    assert "吴药师" in row.inner_text() and "已启用" in row.inner_text()
    row.get_by_role("button", name="停用").click()
    page.wait_for_load_state()
    row = page.get_by_role("row").filter(has_text="pharm-wu")
    assert "已停用" in row.inner_text()
    row.get_by_role("button", name="启用").click()
    page.wait_for_load_state()
    assert "已启用" in page.get_by_role("row").filter(has_text="pharm-wu").inner_text()

    page.get_by_role("navigation").get_by_role("link", name="审计日志").click()
    page.wait_for_load_state()
    created = rows(page).filter(has_text="创建账号").first
    assert "账号 #" in created.inner_text() and "admin-zhou" in created.inner_text()
    shown = datetime.strptime(created.locator("td").nth(1).inner_text(), "%Y-%m-%d %H:%M")
    assert abs(clinic_now().replace(tzinfo=None) - shown) < timedelta(minutes=3)  # clinic time
    assert rows(page).filter(has_text="启用或停用账号").count() == 2

    show(page, **{"人员（用户名）": "admin-zhou"})
    people = rows(page).locator("td:nth-child(3)").all_inner_texts()
    assert people and set(people) == {"admin-zhou"}
    show(page, 操作="创建账号")
    assert rows(page).count() == 1
    today = clinic_today()
    show(page, **{"起始日期（诊所时间）": str(today), "截止日期（诊所时间）": str(today)})
    assert rows(page).count() == 1
    show(
        page, **{"起始日期（诊所时间）": str(today + timedelta(days=1)), "截止日期（诊所时间）": ""}
    )
    assert "没有符合筛选条件的记录。" in page.inner_text("main")

    page.get_by_role("link", name="清除筛选").click()
    page.wait_for_load_state()
    show(page, **{"人员（用户名）": "desk-chen"})
    assert rows(page).count() == 50
    newest = rows(page).first.inner_text()
    page.get_by_role("link", name="较早的记录").click()
    page.wait_for_load_state()
    assert rows(page).count() == 5 and "查看患者资料" in rows(page).first.inner_text()
    page.get_by_role("link", name="较新的记录").click()
    page.wait_for_load_state()
    assert rows(page).count() == 50 and rows(page).first.inner_text() == newest
