"""Command-line tools: staff accounts, departments, demo data, audit-chain verification,
backups and the retention report."""

import json
import sys
from datetime import date
from pathlib import Path

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
    app.cli.add_command(backup_cli)
    app.cli.add_command(retention_cli)


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


@click.group("backup", help="Backups of the database and the uploads (scripts/backup.sh).")
def backup_cli():
    pass


def _configured_targets() -> tuple[str, Path]:
    """The app's database and upload folder. The engine's URL, not the setting: Flask-SQLAlchemy
    reads a relative SQLite path from the instance folder, and so must the backup. Making the
    engine does not connect (a restore target may not exist yet)."""
    database_url = db.engine.url.render_as_string(hide_password=False)
    return database_url, Path(current_app.config["UPLOAD_FOLDER"])


@backup_cli.command("create")
@click.option("--to", "root", required=True, type=click.Path(file_okay=False), help="Backups root.")
def backup_create_command(root):
    """Dump the database consistently, copy the uploads, write manifest.json with every hash.
    Written as ROOT/<UTC time>-partial, renamed to ROOT/<UTC time> when complete."""
    from tcm_app.services.backup import BackupError, create_backup, read_manifest

    database_url, uploads = _configured_targets()
    try:
        folder = create_backup(Path(root), database_url, uploads)
    except BackupError as exc:
        raise click.ClickException(exc.message) from exc
    manifest = read_manifest(folder)
    database = manifest["database"]
    click.echo(
        f"backup written: {folder} ({database['kind']} dump {database['size']} bytes, "
        f"{len(manifest['uploads'])} files, {database['audit']['entries']} audit entries, "
        f"revision {database['alembic_revision']})"
    )


@backup_cli.command("verify")
@click.argument("backup", type=click.Path(file_okay=False))
def backup_verify_command(backup):
    """Rehash every file of BACKUP against its manifest; exit 1 naming each file that differs."""
    from tcm_app.services.backup import BackupError, read_manifest, verify_backup

    try:
        problems = verify_backup(Path(backup))
    except BackupError as exc:
        raise click.ClickException(exc.message) from exc
    if problems:
        for problem in problems:
            click.echo(f"backup DAMAGED: {problem}", err=True)
        sys.exit(1)
    files = len(read_manifest(Path(backup))["uploads"])
    click.echo(f"backup intact: the dump and {files} files match the manifest")


@backup_cli.command("list")
@click.argument("root", type=click.Path(file_okay=False))
def backup_list_command(root):
    """The finished backups under ROOT, oldest first (unfinished `-partial` ones are left out)."""
    from tcm_app.services.backup import list_backups, read_manifest

    for folder in list_backups(Path(root)):
        manifest = read_manifest(folder)
        click.echo(f"{folder}\t{manifest['created_at']}\t{len(manifest['uploads'])} files")


@backup_cli.command("restore")
@click.argument("backup", type=click.Path(file_okay=False))
def backup_restore_command(backup):
    """Restore BACKUP into the configured database (TCM_DATABASE_URL: a new, empty one) and
    upload folder (TCM_UPLOAD_FOLDER: empty or absent); every hash is verified first, and the
    restored audit chain, row counts and revision are checked against the manifest."""
    from tcm_app.services.backup import BackupError, restore_backup

    database_url, uploads = _configured_targets()
    try:
        restored = restore_backup(Path(backup), database_url, uploads)
    except BackupError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(
        f"restored {backup}: {restored.tables} tables with the manifest's row counts, "
        f"{restored.files} files, revision {restored.revision}, "
        f"audit chain intact: {restored.audit.checked} entries verified"
    )
    head = _migrations_head()
    if restored.revision != head:
        click.echo(
            f"note: this code's migrations end at {head}; run `flask --app tcm_app.app db upgrade` "
            "on the restored database before serving it"
        )


def _migrations_head() -> str | None:
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    # The revisions import their shared helpers (migrations/protection.py) from their own folder,
    # which migrations/env.py puts on the path; reading them outside a migration needs it too.
    if script.dir not in sys.path:
        sys.path.insert(0, script.dir)
    return script.get_current_head()


@click.group("retention", help="Records past their retention term (never deleted here).")
def retention_cli():
    pass


@retention_cli.command("report")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Default: clinic today.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Also write a CSV file.")
def retention_report_command(as_of, csv_path):
    """Per kind of record: how many have passed their retention term and the oldest date. Nothing
    is deleted: a person responsible decides what happens to them."""
    from tcm_app.services.clock import clinic_today
    from tcm_app.services.retention import past_term_report, report_csv

    day: date = as_of.date() if as_of else clinic_today()
    lines = past_term_report(day)
    click.echo(f"records past their retention term as of {day} (nothing is deleted):")
    for line in lines:
        oldest = line.oldest.isoformat() if line.oldest else "-"
        click.echo(f"{line.label}\t{line.years} years\t{line.count}\toldest {oldest}")
    if csv_path:
        with open(csv_path, "w", encoding="utf-8-sig", newline="") as handle:
            handle.write(report_csv(lines, day))
        click.echo(f"written: {csv_path}")
