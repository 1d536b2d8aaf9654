"""The admin's audit log reads in Chinese: a name for every audited action (found in the code),
times in clinic time, filters by person, action and date range, and pages through older entries."""

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from decoction.stages import Move
from tcm_app.domains import INSTALLED_DOMAINS
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.audit import AuditEntry
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today, to_clinic
from tcm_app.views.audit_labels import ACTIONS, action_label
from tests.factories import create_user, login

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["tcm_app", *INSTALLED_DOMAINS]
# f-string actions and what they expand to.
TEMPLATED = {"order.{move}": [f"order.{move}" for move in Move]}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _callee(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _action_argument(call: ast.Call, index: int):
    keywords = {k.arg: k.value for k in call.keywords}
    return keywords.get("action", call.args[index] if len(call.args) > index else None)


def _forwarders(trees: dict) -> dict:
    """Functions whose `action` parameter reaches record_audit or .audited(), to a fixed point:
    {(module or "*", name): position of `action`}. Private helpers count in their own module."""
    takes = {("*", "record_audit"): 0, ("*", "audited"): 0}

    def index(path, call):
        return takes.get((path, _callee(call)), takes.get(("*", _callee(call))))

    changed = True
    while changed:
        changed = False
        for path, tree in trees.items():
            for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
                params = [a.arg for a in fn.args.args]
                key = (path if fn.name.startswith("_") else "*", fn.name)
                if key in takes or "action" not in params:
                    continue
                for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                    at = index(path, call)
                    value = None if at is None else _action_argument(call, at)
                    if isinstance(value, ast.Name) and value.id == "action":
                        takes[key] = params.index("action")
                        changed = True
                        break
    return takes


def audited_actions() -> set[str]:
    """Every action code the code base passes to the audit service."""
    trees = {
        str(path): ast.parse(path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
    }
    takes = _forwarders(trees)
    found = set()
    for path, tree in trees.items():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            at = takes.get((path, _callee(call)), takes.get(("*", _callee(call))))
            value = None if at is None else _action_argument(call, at)
            if isinstance(value, ast.Constant):
                found.add(value.value)
            elif isinstance(value, ast.JoinedStr):
                template = re.sub(r"\{(\w+)\}", r"{\1}", ast.unparse(value)[2:-1])
                assert template in TEMPLATED, f"{path}: add {template!r} to TEMPLATED"
                found.update(TEMPLATED[template])
    return found


def test_the_scan_finds_actions_in_every_domain():
    found = audited_actions()
    for action in (
        "auth.login",
        "prescription.sign",
        "order.ship",
        "tongue.upload",
        "consult.book",
        "treatment.book",
        "therapy_update",
    ):
        assert action in found


def test_every_audited_action_has_a_chinese_name(app):
    missing = sorted(audited_actions() - set(ACTIONS))
    assert missing == [], f"name these in audit_labels.py or the domain's AUDIT_ACTIONS: {missing}"
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        english = [code for code, name in ACTIONS.items() if not CJK.search(str(name))]
        assert english == [], f"translate these in messages.po: {english}"
        assert action_label("prescription.sign_refused") == "医师签署处方（被拒绝）"


@pytest.fixture
def admin_client(app, client):
    admin = create_user(Role.ADMIN, username="admin-audit")
    login(client, admin)
    return client


def rows(page: str) -> list[str]:
    return re.findall(r'<tr class="audit-row[^"]*" data-id="(\d+)"', page)


def test_audit_log_shows_chinese_names_and_clinic_time(admin_client):
    entry = record_audit("prescription.sign", "prescription", 7, "signed")
    db.session.commit()
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "医师签署处方" in page and "处方 #7" in page
    assert to_clinic(entry.occurred_at).strftime("%Y-%m-%d %H:%M") in page
    assert "<code>prescription.sign</code>" not in page


def test_audit_log_filters_by_person_action_and_date(admin_client):
    nurse = create_user(Role.CLINIC, username="desk-wang")
    record_audit("encounter.request", "encounter", 1, "requested", actor=nurse)
    record_audit("prescription.sign", "prescription", 2, "signed", actor=nurse)
    record_audit("prescription.sign", "prescription", 3, "signed")
    db.session.commit()
    ids = dict(db.session.execute(sa.select(AuditEntry.object_id, AuditEntry.id)).all())

    by_person = admin_client.get("/admin/audit?person=desk-wang").get_data(as_text=True)
    assert set(rows(by_person)) == {str(ids["1"]), str(ids["2"])}
    both = admin_client.get("/admin/audit?person=desk-wang&action=prescription.sign")
    assert rows(both.get_data(as_text=True)) == [str(ids["2"])]
    today = clinic_today()
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert rows(admin_client.get(f"/admin/audit?date_from={tomorrow}").get_data(as_text=True)) == []
    same_day = admin_client.get(f"/admin/audit?date_from={today}&date_to={today}")
    assert str(ids["3"]) in rows(same_day.get_data(as_text=True))


def test_a_bad_filter_says_why_next_to_the_field(admin_client):
    response = admin_client.get("/admin/audit?person=nobody-here")
    assert response.status_code == 422
    assert 'id="person-error"' in response.get_data(as_text=True)
    backwards = admin_client.get("/admin/audit?date_from=2026-05-02&date_to=2026-05-01")
    assert backwards.status_code == 422 and 'id="date_to-error"' in backwards.get_data(as_text=True)


def test_audit_log_pages_through_older_entries(admin_client):
    for n in range(60):
        record_audit("patient.view", "patient", n, f"entry {n}")
    db.session.commit()
    first = admin_client.get("/admin/audit?action=patient.view").get_data(as_text=True)
    newest = rows(first)
    assert len(newest) == 50 and newest == sorted(newest, key=int, reverse=True)
    older_link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "action=patient.view" in older_link
    second = admin_client.get(older_link).get_data(as_text=True)
    older = rows(second)
    assert len(older) == 10 and int(older[0]) < int(newest[-1])
    newer_link = re.search(r'rel="prev" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    assert rows(admin_client.get(newer_link).get_data(as_text=True)) == newest
