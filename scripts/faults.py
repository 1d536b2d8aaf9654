"""Faults during load on the production stack (make faults): each part is broken on purpose while
clients read and write through nginx, then the writes, the audit chain and the task queue are
checked.

    .venv/bin/python scripts/faults.py [worker node redis postgres celery]

The load: patients upload tongue photos through the API (a write of a file, a row, an audit
entry, and a queued analysis task for the Celery worker), and read their visits and photos;
doctors search herbs. Every answer is recorded with the moment it came. For each fault: a few
seconds of load, the fault, the load goes on through it, the part recovers (where it does not on
its own), a few seconds more. Then, after all faults:
- every write that was acknowledged (201 with the photo's id) is in the database, once, with its
  file on the shared upload folder (hash as recorded);
- rows created in the run are no more than the writes sent: a write that failed with an error was
  either not made or made whole, never twice;
- `flask audit verify` reports the chain intact;
- every queued analysis ran to completion (no photo left waiting; Redis holds no task, taken or
  not), each once (the analysis time is set once per photo).
The report lists, per fault, the requests answered and refused (by status) and how long the
refusals lasted. Uses the stack of scripts/prod.py (started with the demo data if not running)."""

from __future__ import annotations

import collections
import hashlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# A killed worker's task goes back to the queue after the visibility timeout: short here, so the
# run need not wait the production default (the tasks take about a second).
os.environ.setdefault("TCM_CELERY_VISIBILITY_SECONDS", "20")

import prod  # scripts/prod.py: the stack's parts, by the same settings

PRE, DURING, POST = 5.0, 12.0, 8.0  # seconds of load before, through and after each fault
WRITERS, READERS = 3, 3


@dataclass
class Outcome:
    at: float
    kind: str
    status: int
    photo_id: int | None = None


@dataclass
class Log:
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    def between(self, start: float, end: float) -> list[Outcome]:
        with self.lock:
            return [o for o in self.outcomes if start <= o.at < end]


def call(method: str, path: str, token: str | None = None, body: bytes | None = None,
         content_type: str | None = None) -> tuple[int, bytes]:  # fmt: skip
    request = urllib.request.Request(prod.BASE_URL + path, data=body, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=15, context=prod.INSECURE) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, refused.read()
    except (urllib.error.URLError, OSError):
        return 0, b""  # no answer at all (connection refused or cut)


def token_for(username: str) -> str:
    body = json.dumps({"username": username, "password": "tcm-demo"}).encode()
    status, answer = call("POST", "/api/v1/auth/token", body=body, content_type="application/json")
    if status != 201:
        raise SystemExit(f"faults: cannot sign in as {username}: {status} {answer[:200]!r}")
    return json.loads(answer)["token"]


def photo_bytes() -> bytes:
    """A small JPEG, different every time (so no two uploads are the same file)."""
    import cv2  # the app's own dependency, in the venv this runs with
    import numpy as np

    image = np.full((240, 320, 3), 180, np.uint8)
    image[80:160, 100:220] = np.frombuffer(secrets.token_bytes(80 * 120 * 3), np.uint8).reshape(
        80, 120, 3
    )
    return cv2.imencode(".jpg", image)[1].tobytes()


def multipart(name: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + data + tail, f"multipart/form-data; boundary={boundary}"


class Load:
    """Writer and reader threads until stopped; every answer goes to the log."""

    def __init__(self, patient: str, doctor: str, encounter_id: int) -> None:
        self.patient, self.doctor, self.encounter_id = patient, doctor, encounter_id
        self.log = Log()
        self.stop = threading.Event()
        self.sent_writes = 0
        self.threads = [threading.Thread(target=self.write, daemon=True) for _ in range(WRITERS)]
        self.threads += [threading.Thread(target=self.read, daemon=True) for _ in range(READERS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def write(self) -> None:
        path = f"/api/v1/encounters/{self.encounter_id}/tongue-images"
        while not self.stop.is_set():
            body, content_type = multipart("photo", "tongue.jpg", photo_bytes())
            self.sent_writes += 1
            status, answer = call("POST", path, self.patient, body, content_type)
            photo_id = json.loads(answer)["id"] if status == 201 else None
            self.log.add(Outcome(time.monotonic(), "write", status, photo_id))
            time.sleep(0.4)  # three writers, one patient: under the API's 600 a minute per client

    def read(self) -> None:
        reads = (
            (self.patient, "/api/v1/encounters"),
            (self.doctor, "/api/v1/herbs?q=dg"),
            (self.patient, f"/api/v1/encounters/{self.encounter_id}"),
        )
        turn = 0
        while not self.stop.is_set():
            token, path = reads[turn % len(reads)]
            turn += 1
            status, _ = call("GET", path, token)
            self.log.add(Outcome(time.monotonic(), "read", status))
            time.sleep(0.2)


# --- the faults -------------------------------------------------------------------------------


def restart_redis() -> None:
    prod.redis_stop()
    prod.redis_start()


def restart_postgres() -> None:
    prod.pg_stop("fast")
    prod.pg_start()


def kill_celery_mid_task() -> None:
    prod.kill_tree(prod.WORKER_PID, "Celery worker")


FAULTS = {
    # name: (what is done, how it recovers (None: on its own), description)
    "worker": (lambda: prod.worker_kill(1), None, "a gunicorn worker of node 1 killed (SIGKILL)"),
    "node": (lambda: prod.node_kill(1), lambda: prod.node_start(1), "node 1 killed whole"),
    "redis": (restart_redis, None, "Redis restarted"),
    "postgres": (restart_postgres, None, "PostgreSQL restarted"),
    "celery": (kill_celery_mid_task, prod.celery_start, "Celery worker killed mid-task"),
}


@dataclass
class Window:
    name: str
    description: str
    started: float
    ended: float
    recovered_after: float | None = None


def run_fault(name: str, load: Load) -> Window:
    act, recover, description = FAULTS[name]
    prod.log(f"fault {name}: {description}")
    time.sleep(PRE)
    started = time.monotonic()
    act()
    time.sleep(DURING if recover else DURING / 2)
    if recover is not None:
        recover()
    time.sleep(POST)
    window = Window(name, description, started, time.monotonic())
    failures = [o for o in load.log.between(started, window.ended) if o.status not in (200, 201)]
    if failures:
        window.recovered_after = max(o.at for o in failures) - started
    return window


# --- the checks afterwards ---------------------------------------------------------------------


def sql(statement: str) -> str:
    return prod.psql(statement, database="tcm").strip()


def check_writes(load: Load, first_photo_id: int) -> list[str]:
    problems = []
    acked = [o.photo_id for o in load.log.outcomes if o.kind == "write" and o.status == 201]
    if len(acked) != len(set(acked)):
        problems.append("an acknowledged id was given twice")
    found = set()
    if acked:
        rows = sql(
            "SELECT id, storage_key, sha256 FROM tongue_images WHERE id IN ("
            + ",".join(map(str, acked)) + ")"
        )  # fmt: skip
        for line in rows.splitlines():
            photo_id, key, digest = line.split("|")
            found.add(int(photo_id))
            data = (prod.STATE / "uploads" / key).read_bytes()
            if hashlib.sha256(data).hexdigest() != digest:
                problems.append(f"photo {photo_id}: file does not match its hash")
    missing = set(acked) - found
    if missing:
        problems.append(f"{len(missing)} acknowledged writes missing: {sorted(missing)[:10]}")
    created = int(sql(f"SELECT count(*) FROM tongue_images WHERE id > {first_photo_id}"))
    if created > load.sent_writes:
        problems.append(f"{created} photos stored for {load.sent_writes} uploads sent (duplicates)")
    if created < len(acked):
        problems.append(f"only {created} photos stored for {len(acked)} acknowledged")
    prod.log(
        f"writes: {load.sent_writes} sent, {len(acked)} acknowledged and all present with their "
        f"files, {created} stored in all ({created - len(acked)} of the unanswered ones made whole)"
    )
    return problems


def check_audit() -> list[str]:
    out = prod.flask("audit", "verify")
    prod.log(out.strip())
    return [] if "intact" in out else [f"audit chain: {out.strip()}"]


def check_tasks(first_photo_id: int, seconds: float = 300) -> list[str]:
    """Every photo analysed (tasks lost with Redis or a killed worker are given again: late
    acknowledgement, then the sweep), once, and nothing left in the queue."""
    deadline = time.monotonic() + seconds
    waiting = -1
    while time.monotonic() < deadline:
        waiting = int(
            sql(
                f"SELECT count(*) FROM tongue_images WHERE id > {first_photo_id} "
                "AND status = 'received'"
            )
        )
        if waiting == 0:
            break
        time.sleep(5)
    problems = [] if waiting == 0 else [f"{waiting} photos never analysed"]
    queued = redis_count("LLEN", "celery") + redis_count("HLEN", "unacked")
    if queued:
        problems.append(f"{queued} tasks still in Redis")
    analysed = int(
        sql(f"SELECT count(*) FROM tongue_images WHERE id > {first_photo_id} "
            "AND analysed_at IS NOT NULL")
    )  # fmt: skip
    prod.log(f"tasks: {analysed} photos analysed, {waiting} waiting, {queued} tasks left in Redis")
    return problems


def redis_count(command: str, key: str) -> int:
    out = subprocess.run(
        ["redis-cli", "-p", str(prod.REDIS_PORT), "-n", "0", command, key],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(out.stdout.strip() or 0)


def report(windows: list[Window], load: Load) -> None:
    print()
    heading = ("fault", "requests", "ok", "refused (status: count)", "refusals for")
    print(f"{heading[0]:10} {heading[1]:>8} {heading[2]:>6} {heading[3]:32} {heading[4]:>12}")
    for window in windows:
        answers = load.log.between(window.started, window.ended)
        ok = sum(o.status in (200, 201) for o in answers)
        refused = collections.Counter(o.status for o in answers if o.status not in (200, 201))
        shown = ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(refused.items()))
        span = f"{window.recovered_after:.1f} s" if window.recovered_after is not None else "-"
        print(f"{window.name:10} {len(answers):8} {ok:6} {shown or 'none':32} {span:>12}")
        print(f"           {window.description}")


def main(names: list[str]) -> int:
    names = names or list(FAULTS)
    unknown = set(names) - set(FAULTS)
    if unknown:
        print(f"unknown faults: {', '.join(sorted(unknown))}; known: {', '.join(FAULTS)}")
        return 2
    prod.start(demo=True)
    encounter_id = int(
        sql("SELECT id FROM encounters WHERE kind = 'online_followup' AND status = 'in_progress' "
            "ORDER BY id LIMIT 1")
    )  # fmt: skip
    first_photo_id = int(sql("SELECT coalesce(max(id), 0) FROM tongue_images"))
    load = Load(token_for("demo-patient"), token_for("demo-doctor"), encounter_id)
    load.start()
    windows = []
    try:
        for name in names:
            windows.append(run_fault(name, load))
    finally:
        load.finish()
    report(windows, load)
    problems = check_writes(load, first_photo_id) + check_audit() + check_tasks(first_photo_id)
    print()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("all checks passed" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
