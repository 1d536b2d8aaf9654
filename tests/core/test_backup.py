"""Backups (flask backup, scripts/backup.sh and restore.sh): a hospital's data backed up and
restored into a fresh database and upload folder comes back whole — the audit chain verifies,
every file hash matches the manifest, the rows are all there — and a damaged, half-written or
misdirected backup is refused with a message that says what is wrong. On SQLite and, with
TCM_TEST_PG_URL, on PostgreSQL (pg_dump / pg_restore)."""

import hashlib
import json
import shutil
import sqlite3
import uuid
from pathlib import Path

import cv2
import numpy as np
import pytest
import sqlalchemy as sa

from consults.services import calls
from diagnosis.services import tongue
from tcm_app.app import create_app
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.encounters import ClinicalDocument
from tcm_app.services import documents
from tcm_app.services.audit import verify_audit_chain
from tcm_app.services.backup import MANIFEST, PARTIAL_SUFFIX, libpq_environment, list_backups
from tests.conftest import PG_URL, base_config
from tests.factories import png_bytes, signed_prescription

KEY_TABLES = (
    "users",
    "patients",
    "encounters",
    "clinical_documents",
    "prescriptions",
    "tongue_images",
    "consult_chat_messages",
    "audit_entries",
)


@pytest.fixture
def hospital(app):
    """Records with files: a visit's document, a tongue photo, a chat image (in `chat/`), a
    signed prescription; and an upload caught half-written (`.name.part`)."""
    rx = signed_prescription()
    visit = rx.encounter
    photo = cv2.imencode(".jpg", np.full((150, 200, 3), 140, np.uint8))[1].tobytes()
    tongue.add_tongue_image(visit, visit.patient.user, photo, "gallery")
    calls.add_chat_image(visit, visit.doctor, png_bytes(64, 48))
    db.session.commit()
    db.session.remove()
    uploads = Path(app.config["UPLOAD_FOLDER"])
    (uploads / ".half-written.png.part").write_bytes(b"partial")
    return uploads


@pytest.fixture
def fresh_database(tmp_path):
    """A new, empty database to restore into (PostgreSQL: created here, dropped after)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"tcm_r_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def back_up(runner, root: Path) -> Path:
    result = runner.invoke(args=["backup", "create", "--to", str(root)])
    assert result.exit_code == 0, result.output
    (folder,) = list_backups(root)
    assert str(folder) in result.output
    return folder


def app_on(database_url: str, uploads: Path):
    """An app configured as scripts/restore.sh runs it: on the new database and folder."""
    return create_app(base_config(database_url, uploads.parent, UPLOAD_FOLDER=str(uploads)))


def restore(database_url: str, uploads: Path, backup: Path):
    restored = app_on(database_url, uploads)
    # The test's own app context is open: the command would run in it without this one.
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
        db.engine.dispose()
    return restored, result


def row_counts() -> dict:
    return {
        table: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
        for table in KEY_TABLES
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_restores_whole_into_a_fresh_database_and_folder(
    app, runner, hospital, tmp_path, fresh_database
):
    source_counts = row_counts()
    source_chain = verify_audit_chain()
    last = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    revision = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    backup = back_up(runner, tmp_path / "backups")
    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["database"]["audit"] == {
        "entries": source_chain.checked,
        "last_id": last.id,
        "last_hash": last.entry_hash,
    }
    assert manifest["database"]["alembic_revision"] == revision
    assert {entry["path"] for entry in manifest["uploads"]} == {
        p.relative_to(hospital).as_posix() for p in hospital.rglob("*") if p.is_file()
    } - {".half-written.png.part"}
    assert any(entry["path"].startswith("chat/") for entry in manifest["uploads"])

    target = tmp_path / "restored-uploads"
    restored, result = restore(fresh_database, target, backup)
    assert result.exit_code == 0, result.output
    assert "audit chain intact" in result.output
    with restored.app_context():
        chain = verify_audit_chain()
        assert chain.intact and chain.checked == source_chain.checked
        assert row_counts() == source_counts
        assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == revision
        for entry in manifest["uploads"]:
            assert sha256(target / entry["path"]) == entry["sha256"], entry["path"]
        document = db.session.scalars(sa.select(ClinicalDocument)).first()
        doctor = document.encounter.doctor
        assert documents.read_document(document, doctor)  # the file matches its row's digest
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    assert not (target / ".half-written.png.part").exists()


def test_verify_names_a_tampered_file_and_restore_refuses_it(
    app, runner, hospital, tmp_path, fresh_database
):
    backup = back_up(runner, tmp_path / "backups")
    altered = next(p for p in (backup / "uploads").rglob("*") if p.is_file())
    altered.write_bytes(altered.read_bytes()[:-1] + b"\x00")
    relative = altered.relative_to(backup).as_posix()

    result = runner.invoke(args=["backup", "verify", str(backup)])
    assert result.exit_code == 1
    assert f"backup DAMAGED: {relative}: SHA-256 differs" in result.output

    target = tmp_path / "restored-uploads"
    restored, result = restore(fresh_database, target, backup)
    assert result.exit_code != 0
    assert relative in result.output and "does not match its manifest" in result.output
    assert not target.exists()
    with restored.app_context():
        assert sa.inspect(db.engine).get_table_names() == []  # nothing was loaded
        db.engine.dispose()


def add_unknown_file(backup: Path) -> None:
    (backup / "uploads" / "extra.png").write_bytes(b"x")


def remove_a_file(backup: Path) -> None:
    next((backup / "uploads").rglob("*.png")).unlink()


def truncate_the_dump(backup: Path) -> None:
    next(backup.glob("database.*")).write_bytes(b"truncated")


@pytest.mark.parametrize(
    "damage, message",
    [
        pytest.param(add_unknown_file, "extra.png: not in the manifest",
                     id="a file the manifest does not know is reported"),
        pytest.param(remove_a_file, ": missing", id="a missing file is reported"),
        pytest.param(truncate_the_dump, "9 bytes, the manifest says",
                     id="a truncated dump is reported"),
    ],
)  # fmt: skip
def test_verify_reports_every_kind_of_damage(app, runner, hospital, tmp_path, damage, message):
    backup = back_up(runner, tmp_path / "backups")
    assert runner.invoke(args=["backup", "verify", str(backup)]).exit_code == 0
    damage(backup)
    result = runner.invoke(args=["backup", "verify", str(backup)])
    assert result.exit_code == 1 and message in result.output


def test_restore_into_a_database_that_has_tables_is_refused(app, runner, hospital, tmp_path):
    backup = back_up(runner, tmp_path / "backups")
    source_url = app.config["SQLALCHEMY_DATABASE_URI"]
    count = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    db.session.remove()
    _restored, result = restore(source_url, tmp_path / "restored-uploads", backup)
    assert result.exit_code != 0
    assert "already has" in result.output and "empty database" in result.output
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == count


def test_restore_into_an_upload_folder_with_files_is_refused(
    app, runner, hospital, tmp_path, fresh_database
):
    backup = back_up(runner, tmp_path / "backups")
    target = tmp_path / "restored-uploads"
    target.mkdir()
    (target / "someone-elses.pdf").write_bytes(b"%PDF")
    _restored, result = restore(fresh_database, target, backup)
    assert result.exit_code != 0 and "is not empty" in result.output
    assert [p.name for p in target.iterdir()] == ["someone-elses.pdf"]


def test_a_half_written_backup_is_neither_listed_nor_accepted(
    app, runner, hospital, tmp_path, fresh_database
):
    root = tmp_path / "backups"
    backup = back_up(runner, root)
    cut_short = root / ("20991231T235959Z" + PARTIAL_SUFFIX)
    shutil.copytree(backup, cut_short)
    no_manifest = root / "20991231T235958Z"
    shutil.copytree(backup, no_manifest)
    (no_manifest / MANIFEST).unlink()

    listed = runner.invoke(args=["backup", "list", str(root)])
    assert listed.exit_code == 0 and listed.output.splitlines()[0].startswith(str(backup))
    assert len(listed.output.splitlines()) == 1
    refused = runner.invoke(args=["backup", "verify", str(cut_short)])
    assert refused.exit_code != 0 and "unfinished backup" in refused.output
    refused = runner.invoke(args=["backup", "verify", str(no_manifest)])
    assert refused.exit_code != 0 and "no manifest.json" in refused.output
    _restored, result = restore(fresh_database, tmp_path / "restored-uploads", cut_short)
    assert result.exit_code != 0 and "unfinished backup" in result.output


def test_a_failed_backup_leaves_nothing_that_looks_like_a_backup(app, tmp_path):
    root = tmp_path / "backups"
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()  # a database, but never migrated
    unmigrated = app_on(f"sqlite:///{empty}", tmp_path / "uploads")
    with unmigrated.app_context():
        result = unmigrated.test_cli_runner().invoke(args=["backup", "create", "--to", str(root)])
        db.engine.dispose()
    assert result.exit_code != 0 and "the database is not migrated" in result.output
    assert list(root.iterdir()) == []


@pytest.mark.parametrize(
    "url, expected",
    [
        pytest.param(
            "postgresql+psycopg://tcm:s3cr%40t@db.internal:5433/hospital",
            {"PGHOST": "db.internal", "PGPORT": "5433", "PGUSER": "tcm", "PGPASSWORD": "s3cr@t",
             "PGDATABASE": "hospital"},
            id="user, password (percent-decoded), host, port and database go to libpq's variables",
        ),
        pytest.param(
            "postgresql+psycopg://tcm@/hospital?host=/run/postgresql&sslmode=require",
            {"PGHOST": "/run/postgresql", "PGUSER": "tcm", "PGDATABASE": "hospital",
             "PGSSLMODE": "require"},
            id="a socket folder and sslmode given as query parameters are kept",
        ),
    ],
)  # fmt: skip
def test_the_database_url_becomes_libpq_environment_variables(url, expected):
    env = libpq_environment(url, base={"PATH": "/usr/bin"})
    assert env == {"PATH": "/usr/bin", **expected}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda m: m["uploads"][0].update(path="../../outside.png"),
                     id="an upload path leading out of the folder"),
        pytest.param(lambda m: m["uploads"][0].update(path="/etc/outside.png"),
                     id="an absolute upload path"),
        pytest.param(lambda m: m["database"].pop("sha256"), id="a dump without its hash"),
    ],
)  # fmt: skip
def test_a_manifest_that_is_not_ours_is_refused(app, runner, hospital, tmp_path, change):
    backup = back_up(runner, tmp_path / "backups")
    manifest = json.loads((backup / MANIFEST).read_text())
    change(manifest)
    (backup / MANIFEST).write_text(json.dumps(manifest))
    result = runner.invoke(args=["backup", "verify", str(backup)])
    assert result.exit_code == 1 and "is damaged or not a manifest" in result.output


def test_the_restore_reads_the_code_migrations_head_in_a_fresh_process(tmp_path):
    """The note after a restore compares the backup's revision with this code's last migration;
    the revisions import helpers from their own folder, which only a migration run puts on the
    path: an operator's fresh `flask backup restore` must read them too."""
    import subprocess
    import sys

    script = (
        "from tcm_app.app import create_app\n"
        "from tcm_app.cli import _migrations_head\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    print(_migrations_head())\n"
    )
    env = {"PATH": "/usr/bin:/bin", "TCM_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    head = sorted(Path(__file__).resolve().parents[2].glob("migrations/versions/*.py"))[-1].stem
    assert done.stdout.strip() == head
