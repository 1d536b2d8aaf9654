"""Backup and restore figures (make bench): the demo hospital plus DOCUMENTS uploaded records of
the outside diagnosis (noise photos, about 350 KB each, as phone photos of paper are), backed up
with `flask backup create`'s service, verified, and restored into a fresh database and folder
(restore_backup: hashes checked first, pg_restore or the SQLite copy, the files, then revision,
row counts and the whole audit chain checked). The restore time is the RTO's floor for this
amount of data; a real hospital measures its own with scripts/restore.sh (README, Backups).

On SQLite by default; on PostgreSQL with TCM_BENCH_DATABASE_URL (make bench does both)."""

import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import cv2
import numpy as np
import sqlalchemy as sa
from common import bench_app, import_catalogues

from tcm_app.extensions import db
from tcm_app.services import backup, documents
from tcm_app.services.demo import seed_demo
from tests.factories import create_encounter

DOCUMENTS = 100


def noise_photo(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 255, (300, 400, 3), dtype=np.uint8)
    return cv2.imencode(".png", pixels)[1].tobytes()


def seed(app) -> None:
    import_catalogues()
    seed_demo()
    encounter = create_encounter()
    for n in range(DOCUMENTS):
        documents.add_document(
            encounter, encounter.patient.user, "outpatient_record", f"p{n}.png", noise_photo(n)
        )
    db.session.commit()


def fresh_database(url: str, folder: Path) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{folder / 'restored.db'}"
    name = f"tcm_bench_restore_{uuid.uuid4().hex[:8]}"
    with sa.create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def drop(url: str) -> None:
    if url.startswith("sqlite"):
        return
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with sa.create_engine(admin, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main() -> None:
    app = bench_app("tcm-bench-backup-")
    work = Path(tempfile.mkdtemp(prefix="tcm-bench-backups-"))
    with app.app_context():
        seed(app)
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        uploads = Path(app.config["UPLOAD_FOLDER"])
        db.session.remove()
        folder, made = timed(lambda: backup.create_backup(work / "backups", url, uploads))
        manifest = backup.read_manifest(folder)
        problems, checked = timed(lambda: backup.verify_backup(folder))
        assert problems == [], problems
        target = fresh_database(url, work)
        restored, took = timed(lambda: backup.restore_backup(folder, target, work / "restored"))
        drop(target)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    kind = manifest["database"]["kind"]
    print(f"backup and restore ({kind}): {len(manifest['uploads'])} files, {size / 1e6:.1f} MB")
    print(f"  backup create   {made:6.2f} s  (dump {manifest['database']['size'] / 1e6:.1f} MB)")
    print(f"  backup verify   {checked:6.2f} s")
    print(
        f"  restore         {took:6.2f} s  ({restored.tables} tables, "
        f"{restored.audit.checked} audit entries verified)"
    )
    shutil.rmtree(work, ignore_errors=True)
    if not os.environ.get("TCM_BENCH_DATABASE_URL"):
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)


if __name__ == "__main__":
    main()
