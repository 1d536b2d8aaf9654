"""Command-line tools: demo data, staff accounts, departments."""

import sqlalchemy as sa

from tcm_app.extensions import db
from tcm_app.models.accounts import Department, User
from tcm_app.models.encounters import Encounter
from tcm_app.services.audit import verify_audit_chain

DEMO_USERS = {
    "demo-patient",
    "demo-doctor",
    "demo-pharmacist",
    "demo-decoction",
    "demo-decoction2",
    "demo-clinic",
    "demo-therapist",
    "demo-admin",
    "demo-quality",
    "demo-elder",  # 长辈模式 on (issue 22)
    "demo-family",  # acts for demo-elder with her consent
}


def test_seed_demo_creates_an_account_for_every_role(app, runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    users = db.session.scalars(sa.select(User)).all()
    assert {u.username for u in users} == DEMO_USERS
    assert {u.role for u in users} == {
        "patient",
        "doctor",
        "pharmacist",
        "decoction",
        "clinic",
        "admin",
        "quality",
    }
    # 王丽's 6 (2 with herb orders) and demo-elder's 2 (today's, and one with her shipped order)
    assert db.session.scalar(sa.select(sa.func.count(Encounter.id))) == 8
    assert verify_audit_chain().intact
    response = client.post("/login", data={"username": "demo-doctor", "password": "tcm-demo"})
    assert response.status_code == 302


def test_seed_demo_if_empty_leaves_an_existing_database_alone(app, runner):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not added" in result.output
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "already present" in again.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == len(DEMO_USERS)


def test_seed_demo_refuses_production(app, runner):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_create_staff_from_the_command_line(app, runner):
    runner.invoke(args=["departments", "add", "acupuncture", "针灸科", "Acupuncture"])
    result = runner.invoke(
        args=[
            "users",
            "create-staff",
            "--username",
            "dr-wu",
            "--full-name",
            "吴医生",
            "--role",
            "doctor",
            "--licence-number",
            "L-77",
            "--department",
            "acupuncture",
            "--years",
            "8",
            "--online",
            "--password",
            "Wu-2024-pass",
        ]
    )
    assert result.exit_code == 0, result.output
    doctor = db.session.scalar(sa.select(User).where(User.username == "dr-wu"))
    assert doctor.doctor_profile.online_enabled
    assert (
        db.session.scalar(sa.select(Department.name).where(Department.code == "acupuncture"))
        == "针灸科"
    )


def test_create_staff_refuses_weak_passwords_and_junior_online_doctors(app, runner):
    runner.invoke(args=["departments", "add", "tuina", "推拿科", "Tuina"])
    weak = runner.invoke(
        args=[
            "users",
            "create-staff",
            "--username",
            "desk1",
            "--full-name",
            "前台",
            "--role",
            "clinic",
            "--password",
            "short",
        ]
    )
    junior = runner.invoke(
        args=[
            "users",
            "create-staff",
            "--username",
            "dr-new",
            "--full-name",
            "新医生",
            "--role",
            "doctor",
            "--licence-number",
            "L-78",
            "--department",
            "tuina",
            "--years",
            "1",
            "--online",
            "--password",
            "New-2024-pass",
        ]
    )
    assert weak.exit_code != 0 and junior.exit_code != 0
    assert "3 years" in junior.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
