#!/usr/bin/env bash
# Back up the database and the uploads into a new folder under DIR.
#
#   scripts/backup.sh DIR
#
# Uses the current environment as the app does (TCM_DATABASE_URL, TCM_UPLOAD_FOLDER, ...):
# PostgreSQL is dumped with pg_dump --format=custom inside one snapshot, SQLite with its online
# backup; the uploads are copied; DIR/<UTC time>/manifest.json lists every file's SHA-256. The
# folder is written as DIR/<UTC time>-partial and renamed when complete. Exit status non-zero on
# any failure (run it from cron or a systemd timer and alert on it). See README, "Backups".
set -euo pipefail
if [ "$#" -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/.venv/bin/flask" --app tcm_app.app backup create --to "$1"
