"""Backups: a consistent database dump plus the uploaded files, with a manifest of their hashes;
checking one against its manifest; restoring one into a fresh database and upload folder.

A backup is a folder `<root>/<UTC time>` holding the dump (`database.pgdump` from `pg_dump
--format=custom` on PostgreSQL, `database.sqlite3` from SQLite's online backup on the demo), the
copied uploads under `uploads/` and `manifest.json` (each file's size and SHA-256, the alembic
revision, the row count of every table, the audit chain's length and last hash). It is written
as `<UTC time>-partial` and renamed only once the manifest is on disk: a backup cut short by a
crash never looks complete, and nothing here reads a folder without its manifest.

Order: the dump first, then the files. Uploads are written under a fresh name and renamed into
place (tcm_app/services/uploads.py) and never rewritten, so every file the dump's rows name is
already whole in the folder when the copy starts. Files written after the dump are copied too:
extra, harmless (no row names them). A call recording still being appended to is copied as far
as it has grown, which is at least as far as the dumped row says.

Secrets are not in a backup: TCM_FIELD_KEY (it decrypts ID numbers, phones and addresses) and
TCM_SECRET_KEY are kept apart from it, as the README says."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session

from tcm_app.common.audit_chain import ChainEntry, ChainReport, verify_chain
from tcm_app.models.audit import AuditEntry
from tcm_app.services.clock import utc_now

MANIFEST = "manifest.json"
PARTIAL_SUFFIX = "-partial"
UPLOADS = "uploads"
DUMP_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
FORMAT_VERSION = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made, read or restored; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Restored:
    """What a restore brought back, as checked on the new database."""

    files: int
    tables: int
    audit: ChainReport
    revision: str


# --- making one ----------------------------------------------------------------------------


def create_backup(root: Path, database_url: str, upload_folder: Path) -> Path:
    """Dump the database, copy the uploads, write the manifest; returns the finished folder."""
    kind = database_kind(database_url)
    name = utc_stamp()
    final = Path(root) / name
    partial = Path(root) / (name + PARTIAL_SUFFIX)
    if final.exists():
        raise BackupError(f"{final} exists already: wait a second and try again")
    partial.mkdir(parents=True)  # refuses an existing one: another backup is writing there
    try:
        _write_backup(partial, kind, database_url, Path(upload_folder))
    except BaseException:
        # A refused or failed backup leaves nothing behind; a crash leaves `-partial`, ignored.
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.rename(final)
    _sync_directory(Path(root))
    return final


def _write_backup(partial: Path, kind: str, database_url: str, upload_folder: Path) -> None:
    dump = partial / DUMP_FILES[kind]
    dump_database = _dump_postgresql if kind == "postgresql" else _dump_sqlite
    facts = dump_database(database_url, dump)
    files = copy_uploads(upload_folder, partial / UPLOADS)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": utc_now().isoformat(timespec="seconds"),
        "database": {"kind": kind, "file": dump.name, **file_facts(dump), **facts},
        "uploads": files,
    }
    _write_durably(partial / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False))


def database_kind(database_url: str) -> str:
    backend = make_url(database_url).get_backend_name()
    if backend not in DUMP_FILES:
        raise BackupError(f"cannot back up a {backend} database (PostgreSQL or SQLite only)")
    return backend


def _dump_sqlite(database_url: str, dump: Path) -> dict:
    """SQLite's online backup copies a consistent snapshot page by page while the app runs."""
    source_path = make_url(database_url).database
    if not source_path or not Path(source_path).exists():
        raise BackupError(f"the SQLite database {source_path!r} does not exist")
    with sqlite3.connect(source_path) as source, sqlite3.connect(dump) as target:
        source.backup(target)
    source.close()
    target.close()
    engine = sa.create_engine(f"sqlite:///{dump}")
    try:
        with engine.connect() as conn:
            return snapshot_facts(conn)
    finally:
        engine.dispose()


def _dump_postgresql(database_url: str, dump: Path) -> dict:
    """pg_dump inside an exported snapshot: the facts the manifest records (row counts, the
    audit chain's tail, the revision) are read in that same snapshot, so they describe exactly
    what the dump holds, however busy the hospital is meanwhile."""
    engine = sa.create_engine(database_url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn, conn.begin():
            snapshot = conn.scalar(sa.text("SELECT pg_export_snapshot()"))
            facts = snapshot_facts(conn)
            _run(
                [pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
                libpq_environment(database_url),
                "pg_dump",
            )
        return facts
    finally:
        engine.dispose()


def snapshot_facts(conn: Connection) -> dict:
    """What a restore must find again: the alembic revision, every table's row count and the
    audit chain's length and last link."""
    tables = sorted(sa.inspect(conn).get_table_names())
    if "alembic_version" not in tables or "audit_entries" not in tables:
        raise BackupError("the database is not migrated (no alembic_version or audit_entries)")
    counts = {
        table: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
        for table in tables
    }
    last = conn.execute(
        sa.text("SELECT id, entry_hash FROM audit_entries ORDER BY id DESC LIMIT 1")
    ).first()
    return {
        "alembic_revision": conn.scalar(sa.text("SELECT version_num FROM alembic_version")),
        "audit": {
            "entries": counts["audit_entries"],
            "last_id": last.id if last else None,
            "last_hash": last.entry_hash if last else None,
        },
        "table_rows": counts,
    }


def copy_uploads(source: Path, target: Path) -> list[dict]:
    """Copy every upload, hashing as it copies; the half-written `.<name>.part` files of an
    upload in progress are left out (the rename that completes them comes after the dump)."""
    target.mkdir(parents=True, exist_ok=True)
    files: list[dict] = []
    if not source.exists():
        return files
    for folder, dirs, names in os.walk(source):
        dirs.sort()
        for name in sorted(names):
            if is_temporary(name):
                continue
            path = Path(folder) / name
            relative = path.relative_to(source).as_posix()
            files.append({"path": relative, **_copy_hashing(path, target / relative)})
    return files


def is_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(".part")


def _copy_hashing(source: Path, target: Path) -> dict:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
            size += len(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    return {"size": size, "sha256": digest.hexdigest()}


def file_facts(path: Path) -> dict:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


def _write_durably(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_directory(path: Path) -> None:
    """Make the rename itself survive a power cut."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- listing and checking ------------------------------------------------------------------


def list_backups(root: Path) -> list[Path]:
    """The finished backups under `root`, oldest first; `-partial` folders (a backup cut short)
    and folders without a manifest are never listed."""
    if not Path(root).is_dir():
        return []
    return sorted(
        path
        for path in Path(root).iterdir()
        if path.is_dir() and not path.name.endswith(PARTIAL_SUFFIX) and (path / MANIFEST).is_file()
    )


def read_manifest(backup: Path) -> dict:
    backup = Path(backup)
    if backup.name.endswith(PARTIAL_SUFFIX):
        raise BackupError(f"{backup} is an unfinished backup (cut short): it cannot be used")
    try:
        manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{backup} has no {MANIFEST}: not a finished backup") from exc
    except json.JSONDecodeError as exc:
        raise BackupError(f"{backup / MANIFEST} is damaged: {exc}") from exc
    if not _well_formed(manifest):
        raise BackupError(f"{backup / MANIFEST} is damaged or not a manifest of this application")
    return manifest


def _well_formed(manifest) -> bool:
    """The fields a check or a restore reads, and only relative paths inside the backup (a
    manifest from elsewhere must not make a restore write outside its folder)."""
    try:
        database, uploads = manifest["database"], manifest["uploads"]
        entries = [database, *uploads]
        names = [database["file"], *(entry["path"] for entry in uploads)]
        return (
            manifest["format"] == FORMAT_VERSION
            and database["kind"] in DUMP_FILES
            and all(isinstance(e["size"], int) and isinstance(e["sha256"], str) for e in entries)
            and all(_inside(name) for name in names)
        )
    except (KeyError, TypeError):
        return False


def _inside(name) -> bool:
    path = PurePosixPath(name) if isinstance(name, str) else None
    return bool(name) and path is not None and not path.is_absolute() and ".." not in path.parts


def verify_backup(backup: Path) -> list[str]:
    """Rehash every file against the manifest: one problem per file that is missing, of another
    size or of another hash, and per file the manifest does not know. Empty: all intact."""
    backup = Path(backup)
    manifest = read_manifest(backup)
    database = manifest["database"]
    expected = {database["file"]: database}
    expected |= {f"{UPLOADS}/{entry['path']}": entry for entry in manifest["uploads"]}
    problems = []
    for relative, entry in expected.items():
        path = backup / relative
        if not path.is_file():
            problems.append(f"{relative}: missing")
            continue
        found = file_facts(path)
        if found["size"] != entry["size"]:
            problems.append(f"{relative}: {found['size']} bytes, the manifest says {entry['size']}")
        elif found["sha256"] != entry["sha256"]:
            problems.append(f"{relative}: SHA-256 differs from the manifest (altered or damaged)")
    present = {
        path.relative_to(backup).as_posix()
        for path in backup.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    problems += [f"{relative}: not in the manifest" for relative in sorted(present - set(expected))]
    return problems


# --- restoring one -------------------------------------------------------------------------


def restore_backup(backup: Path, database_url: str, upload_folder: Path) -> Restored:
    """Into a fresh database and an empty upload folder only: verify every hash first, load the
    dump, copy the files, then check the new database against the manifest (revision, row
    counts, audit chain)."""
    backup, upload_folder = Path(backup), Path(upload_folder)
    manifest = read_manifest(backup)
    problems = verify_backup(backup)
    if problems:
        raise BackupError("the backup does not match its manifest:\n  " + "\n  ".join(problems))
    kind = manifest["database"]["kind"]
    if database_kind(database_url) != kind:
        raise BackupError(f"a {kind} backup restores into a {kind} database only")
    _require_empty_database(database_url)
    _require_empty_folder(upload_folder)
    dump = backup / manifest["database"]["file"]
    if kind == "postgresql":
        _run(
            [
                pg_tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={make_url(database_url).database}",
                str(dump),
            ],
            libpq_environment(database_url),
            "pg_restore",
        )
    else:
        with sqlite3.connect(dump) as source, sqlite3.connect(_sqlite_path(database_url)) as target:
            source.backup(target)
        source.close()
        target.close()
    _copy_back(backup / UPLOADS, upload_folder, manifest["uploads"])
    return check_restored(database_url, manifest)


def _require_empty_database(database_url: str) -> None:
    if database_kind(database_url) == "sqlite" and not Path(_sqlite_path(database_url)).exists():
        return
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names()
    except sa.exc.OperationalError as exc:
        raise BackupError(f"cannot open the target database: {exc.orig}") from exc
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            f"the target database already has {len(tables)} tables: restore into a new, empty "
            "database only (create one, point TCM_DATABASE_URL at it)"
        )


def _sqlite_path(database_url: str) -> str:
    path = make_url(database_url).database
    if not path or path == ":memory:":
        raise BackupError("restore needs a SQLite file, not an in-memory database")
    return path


def _require_empty_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(
            f"the upload folder {folder} is not empty: restore into a new, empty folder only "
            "(point TCM_UPLOAD_FOLDER at it)"
        )


def _copy_back(source: Path, target: Path, files: list[dict]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in files:
        copied = _copy_hashing(source / entry["path"], target / entry["path"])
        if copied["sha256"] != entry["sha256"]:
            raise BackupError(f"{UPLOADS}/{entry['path']}: changed while being restored")


def check_restored(database_url: str, manifest: dict) -> Restored:
    """The restored database against the manifest: the same revision, the same number of rows
    in every table, the same last audit link, and the whole chain recomputed intact."""
    expected = manifest["database"]
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            found = snapshot_facts(conn)
        with Session(engine) as session:
            audit = verify_chain(_chain(session))
    finally:
        engine.dispose()
    if found["alembic_revision"] != expected["alembic_revision"]:
        raise BackupError(
            f"restored revision {found['alembic_revision']}, the manifest says "
            f"{expected['alembic_revision']}"
        )
    differing = [
        f"{table}: {found['table_rows'].get(table)} rows, the manifest says {rows}"
        for table, rows in expected["table_rows"].items()
        if found["table_rows"].get(table) != rows
    ]
    if differing:
        raise BackupError("restored row counts differ:\n  " + "\n  ".join(differing))
    if not audit.intact:
        raise BackupError(
            f"the restored audit chain is BROKEN at entry {audit.first_broken_id}: {audit.problem}"
        )
    if found["audit"] != expected["audit"]:
        raise BackupError(
            f"restored audit tail {found['audit']}, the manifest says {expected['audit']}"
        )
    revision = found["alembic_revision"]
    return Restored(len(manifest["uploads"]), len(found["table_rows"]), audit, revision)


def _chain(session: Session):
    rows = session.scalars(
        sa.select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
    )
    for row in rows:
        yield ChainEntry(row.id, row.chain_content(), row.prev_hash, row.entry_hash)


# --- PostgreSQL's tools --------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The tool of the highest PostgreSQL version installed (pg_dump must be at least as new as
    the server), else the one on PATH."""
    installed = []
    for folder in Path("/usr/lib/postgresql").glob("*/bin"):
        version = folder.parent.name
        if version.isdigit() and (folder / name).is_file():
            installed.append((int(version), folder / name))
    if installed:
        return str(max(installed)[1])
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client)")
    return found


# libpq reads these from the environment; the password never appears on a command line.
LIBPQ_QUERY_KEYS = {
    "host": "PGHOST",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def libpq_environment(database_url: str, base: dict | None = None) -> dict:
    """The SQLAlchemy URL `postgresql+psycopg://user:pw@host:port/db?sslmode=…` as libpq's
    PG* variables, added to a copy of `base` (the process environment)."""
    url = make_url(database_url)
    env = dict(os.environ if base is None else base)
    parts = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    for key, value in url.query.items():
        if key in LIBPQ_QUERY_KEYS:
            parts[LIBPQ_QUERY_KEYS[key]] = value if isinstance(value, str) else value[-1]
    env.update({key: value for key, value in parts.items() if value})
    return env


def _run(command: list[str], env: dict, what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(f"{what} could not start: {exc}") from exc
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")


def utc_stamp(moment: datetime | None = None) -> str:
    return (moment or utc_now()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
