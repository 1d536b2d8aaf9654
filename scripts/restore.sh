#!/usr/bin/env bash
# Restore a backup into a NEW database and a NEW upload folder.
#
#   TCM_DATABASE_URL=postgresql+psycopg://user@host/tcm_restored \
#   TCM_UPLOAD_FOLDER=/srv/tcm/uploads-restored  scripts/restore.sh BACKUP_DIR
#
# TCM_DATABASE_URL must name an existing, empty database (a SQLite file may be absent) and
# TCM_UPLOAD_FOLDER an empty or absent folder: anything else is refused, so a restore never
# mixes into live data. Every file is checked against the manifest first; then pg_restore (or the
# SQLite copy), the uploads, and a check of the result: alembic revision, every table's row count,
# the audit chain recomputed from its first entry. Then `flask audit verify` once more, as an
# operator would. Exit status non-zero on any failure.
set -euo pipefail
if [ "$#" -ne 1 ]; then
    echo "usage: $0 BACKUP_DIR" >&2
    exit 2
fi
: "${TCM_DATABASE_URL:?set TCM_DATABASE_URL to the new, empty database}"
: "${TCM_UPLOAD_FOLDER:?set TCM_UPLOAD_FOLDER to the new, empty upload folder}"
here=$(cd "$(dirname "$0")/.." && pwd)
flask=("$here/.venv/bin/flask" --app tcm_app.app)
"${flask[@]}" backup restore "$1"
"${flask[@]}" audit verify
