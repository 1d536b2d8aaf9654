"""Command-line tools: staff accounts, departments, demo data, audit-chain verification."""

import json
import sys

import click
from flask import current_app
from sqlalchemy import inspect, select

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.models.accounts import Department, Role, User
from tcm_app.services import accounts
from tcm_app.services.audit import verify_audit_chain
from tcm_app.services.reference_data import load_reference_data


def register_cli(app) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(departments_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(codes_cli)
    app.cli.add_command(import_reference_command)


@click.group("users", help="Staff accounts (patients register themselves).")
def users_cli():
    pass


@users_cli.command("create-staff")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role if r != Role.PATIENT])
)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--licence-number", default="")
@click.option("--title", default="attending")
@click.option("--department", "department_code", default="")
@click.option("--years", "years_independent_practice", type=int, default=0)
@click.option("--online/--no-online", "online_enabled", default=False)
def create_staff_command(username, full_name, role, password, **profile):
    """Create a staff account; doctors and pharmacists need --licence-number."""
    if role != Role.DOCTOR:
        profile = {"licence_number": profile["licence_number"]} if role == Role.PHARMACIST else {}
    try:
        user = accounts.create_staff(username, password, role, full_name, None, **profile)
    except TCMError as exc:
        db.session.rollback()
        raise click.ClickException(
            f"{exc.message} {json.dumps(exc.fields, ensure_ascii=False)}"
        ) from exc
    db.session.commit()
    click.echo(f"created {role} {user.username} (id {user.id})")


@click.group("departments", help="Clinical departments (mirror the clinic's offline ones).")
def departments_cli():
    pass


@departments_cli.command("add")
@click.argument("code")
@click.argument("name")
@click.argument("name_en")
def add_department_command(code, name, name_en):
    if db.session.scalar(select(Department).where(Department.code == code)):
        raise click.ClickException(f"department {code} exists")
    db.session.add(Department(code=code, name=name, name_en=name_en))
    db.session.commit()
    click.echo(f"added department {code} {name}")


@departments_cli.command("list")
def list_departments_command():
    for dept in db.session.scalars(select(Department).order_by(Department.code)):
        click.echo(
            f"{dept.code}\t{dept.name}\t{dept.name_en}\t{'active' if dept.active else 'inactive'}"
        )


@click.group("codes", help="Coded TCM diagnoses (GB/T 15657-2021).")
def codes_cli():
    pass


@codes_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--partial", is_flag=True, help="Add and update only: codes missing from FILE stay active."
)
@click.option(
    "--if-empty", is_flag=True, help="Do nothing when the table already holds codes (make run)."
)
def import_codes_command(path, partial, if_empty):
    """Import a code table (CSV in UTF-8, or the first sheet of an XLSX workbook; columns
    code,name,kind,parent[,temporary,source], the first row naming them).

    Re-runnable: codes are upserted; after a full import a code missing from FILE is deactivated,
    never deleted. Prints what changed, with line numbers of refused rows.
    """
    from tcm_app.services import codes

    text = _code_table_text(path)
    if if_empty and codes.table_is_filled():
        click.echo("代码表已有数据，未导入（--if-empty）")
        return
    report = codes.import_table(text, full=not partial)
    db.session.commit()
    for line in report.lines():
        click.echo(line)


def _code_table_text(path: str) -> str:
    """The table as CSV text: an XLSX workbook's first sheet is read cell by cell (values, not
    formulas), so both formats go through the same validation."""
    if path.lower().endswith(".xls"):
        raise click.ClickException("不支持旧版 .xls 文件：请另存为 XLSX 或 CSV（UTF-8）后导入。")
    if not path.lower().endswith((".xlsx", ".xlsm")):
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    import csv
    import io
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise click.ClickException(f"不是有效的 XLSX 文件：{path}") from exc
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        writer.writerow(["" if cell is None else str(cell).strip() for cell in row])
    workbook.close()
    return out.getvalue()


@click.group("audit", help="The append-only audit log.")
def audit_cli():
    pass


@audit_cli.command("verify")
def verify_command():
    """Recompute the hash chain; exit 1 and name the first broken entry if it was tampered with."""
    report = verify_audit_chain()
    if report.intact:
        click.echo(f"audit chain intact: {report.checked} entries verified")
        return
    click.echo(
        f"audit chain BROKEN at entry {report.first_broken_id}: {report.problem} "
        f"({report.checked} entries before it verified)",
        err=True,
    )
    sys.exit(1)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when accounts already exist.")
def seed_demo_command(if_empty):
    """Create demo data and one account per role (password tcm-demo). Refused in production."""
    from tcm_app.services.demo import seed_demo

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo refuses to run against a production configuration")
    if not inspect(db.session.connection()).has_table("users"):
        raise click.ClickException(
            "the database has no tables; run `flask --app tcm_app.app db upgrade`"
        )
    if db.session.scalar(select(User.id).limit(1)) is not None:
        if if_empty:
            click.echo("database already has accounts; demo data not added")
            return
        if db.session.scalar(select(User.id).where(User.username == "demo-admin")):
            raise click.ClickException("demo data already present")
    summary = seed_demo()
    db.session.commit()
    click.echo(summary)


@click.command("import-reference")
def import_reference_command():
    """Load the reference data every installed domain ships (herbs, formulas, therapies); safe
    to repeat. The domains register their loaders in their setup.py."""
    try:
        summaries = load_reference_data(current_app)
    except (TCMError, ValueError) as exc:
        db.session.rollback()
        raise click.ClickException(getattr(exc, "message", str(exc))) from exc
    db.session.commit()
    for line in summaries:
        click.echo(line)
