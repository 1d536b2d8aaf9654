"""The mixed workload of make load (issue 21): people using the hospital through the same HTTP the
browser uses, pages and the JSON the pages call, forms posted with the CSRF token of the page as
rendered.

    patients     read their visits, prescriptions, herb orders and the order's live tracking;
                 look at treatment times and book one; book a video consult time
    doctors      the workbench, a visit, the prescription editor: herb search as they type,
                 the live safety check, saving the draft
    pharmacists  the review queue and a prescription in it
    decoction    the room's order board, an order, moving it a step (dispense, check, …)

Every request is named by type ("patient: order tracking"), so the report groups them. A write the
app refuses as it would refuse a person (a time booked by someone else a moment ago, an order
another colleague just moved, a draft saved meanwhile) is handled as the journey would (another
time, another order, reload) and counted in REFUSALS; any other 4xx/5xx is an error.

Accounts come from benchmarks/load/seed.py (accounts.py names them). Each user signs in once, from
its own loopback address (127.2.x.y; nginx passes it on, the app trusts that one hop): sign-ins
are rate-limited per address, and a hospital's patients do not share one. Pacing: each user sends
TCM_LOAD_USER_RPS requests a second on average (a task's requests, then a pause), so users × that
rate is the arrival rate of the whole mix.

Run by scripts/load.py (benchmarks/load/run_phase.py), or by hand:
    locust -f benchmarks/load/locustfile.py --headless -u 40 -r 10 -t 60s --host https://127.0.0.1:8443
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import re
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from locust import FastHttpUser, task  # first: gevent patches the standard library (ssl)

# isort: split
import gevent
import gevent.local
from geventhttpclient import connectionpool

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages
from accounts import (
    LOAD_PASSWORD,
    Counts,
    decoction_name,
    doctor_name,
    patient_name,
    pharmacist_name,
)

COUNTS = Counts(
    patients=int(os.environ.get("TCM_LOAD_PATIENTS", Counts().patients)),
    doctors=int(os.environ.get("TCM_LOAD_DOCTORS", Counts().doctors)),
)
USER_RPS = float(os.environ.get("TCM_LOAD_USER_RPS", "1"))
# A user that fell this far behind its pace forgets the backlog instead of firing it at once.
MAX_BACKLOG_S = 1.0

REFUSALS: Counter = Counter()  # request type → writes the app refused as it should
# request type → [responses with Server-Timing, database ms, application ms, SQL statements]
# (the nodes started with TCM_SERVER_TIMING=1)
TIMINGS: dict[str, list[float]] = {}
SERVER_TIMING = re.compile(r'db;dur=([\d.]+)(?:;desc="(\d+) statements")?, app;dur=([\d.]+)')
# Users signed in and ready; with "expected" set (run_phase.py), each waits for the others before
# its paced requests begin, so the measured window sees the whole mix from its first second.
READY = {"users": 0, "expected": 0}
READY_WAIT_S = 180

# --- one loopback address per user ---------------------------------------------------------

SOURCE = gevent.local.local()  # greenlet-local: each user's greenlet its own address
_create_tcp_socket = connectionpool.ConnectionPool._create_tcp_socket


def _bound_socket(self, family, socktype, protocol):
    sock = _create_tcp_socket(self, family, socktype, protocol)
    address = getattr(SOURCE, "address", None)
    if address:
        sock.bind((address, 0))
    return sock


connectionpool.ConnectionPool._create_tcp_socket = _bound_socket
_addresses = itertools.count(1)


def next_address() -> str:
    n = next(_addresses)
    return f"127.2.{n // 250}.{n % 250 + 1}"


def _cycle(count: int):
    return itertools.cycle(range(1, count + 1))


ACCOUNTS = {
    "patient": (_cycle(COUNTS.patients), patient_name),
    "doctor": (_cycle(COUNTS.doctors), doctor_name),
    "pharmacist": (_cycle(COUNTS.pharmacists), pharmacist_name),
    "decoction": (_cycle(COUNTS.decoction), decoction_name),
}


def next_account(role: str) -> str:
    numbers, name = ACCOUNTS[role]
    return name(next(numbers))


class JourneyError(Exception):
    """The page was not what the journey needs (already recorded as a failed request)."""


# --- the users ------------------------------------------------------------------------------


class Visitor(FastHttpUser):
    """Signs in with its own account from its own address; paces its requests (USER_RPS)."""

    abstract = True
    role = ""
    insecure = True  # the stack's self-signed certificate on loopback
    connection_timeout = 10.0
    network_timeout = 30.0

    def on_start(self):
        SOURCE.address = next_address()
        self.sent = 0
        self.username = next_account(self.role)
        self.sign_in()
        self.prepare()
        READY["users"] += 1
        waited_from = time.monotonic()
        while READY["users"] < READY["expected"] and time.monotonic() - waited_from < READY_WAIT_S:
            gevent.sleep(0.2)
        # Spread the first requests over one pacing interval, not all at the same instant.
        self.paced_from = time.monotonic() + random.random() / USER_RPS
        self.sent = 0

    def prepare(self):
        """What the user reads once before the day's rhythm (its lists); role-specific."""

    def wait_time(self):
        now = time.monotonic()
        due = self.paced_from + self.sent / USER_RPS
        if now - due > MAX_BACKLOG_S:
            self.paced_from += now - due - MAX_BACKLOG_S
            due = now - MAX_BACKLOG_S
        return max(0.0, due - now)

    # HTTP as the journeys need it: every request named, statuses checked.

    def call(self, method, name, path, expect=(200,), refused=(), **kwargs):
        """One request; a status in `expect` passes, one in `refused` is the app saying no as it
        should (counted in REFUSALS, returns None), anything else fails the request and the
        journey (JourneyError)."""
        self.sent += 1
        headers = kwargs.pop("headers", {})
        headers.setdefault("Referer", self.host + path)  # CSRF over HTTPS checks the referrer
        with self.client.request(
            method,
            path,
            name=name,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            status = response.status_code
            note_timing(name, response.headers.get("Server-Timing") if response.headers else None)
            if status in expect:
                response.success()
                return response
            if status in refused:
                response.success()
                REFUSALS[name] += 1
                return None
            where = response.headers.get("Location", "") if response.headers else ""
            response.failure(f"{method} {path}: status {status} {where}".strip())
            raise JourneyError(name)

    def page(self, name, path, expect=(200,)) -> str:
        return self.call("GET", name, path, expect=expect).text

    def post(self, name, path, data, referer, expect=(302,), refused=()):
        return self.call(
            "POST",
            name,
            path,
            expect=expect,
            refused=refused,
            data=data,
            headers={"Referer": self.host + referer},
        )

    def sign_in(self):
        """The sign-in form, as a person fills it in."""
        login_page = self.page("login page", "/login")
        data = {
            "csrf_token": pages.csrf_token(login_page),
            "username": self.username,
            "password": LOAD_PASSWORD,
        }
        self.post("sign in", "/login", data, "/login")

    def journey(self, steps):
        """Run one journey; a failed request already counted ends it (the user carries on)."""
        with contextlib.suppress(JourneyError):
            steps()


def note_timing(name: str, header: str | None) -> None:
    """Add the response's database and application time to its request type's sums."""
    found = SERVER_TIMING.search(header or "")
    if found:
        sums = TIMINGS.setdefault(name, [0, 0.0, 0.0, 0])
        sums[0] += 1
        sums[1] += float(found.group(1))
        sums[2] += float(found.group(3))
        sums[3] += int(found.group(2) or 0)


def location(response) -> str:
    where = response.headers.get("Location", "")
    return re.sub(r"^https?://[^/]+", "", where)


class Patient(Visitor):
    weight = 70
    role = "patient"

    def prepare(self):
        self.visits = pages.ids(self.page("patient: home", "/me"), r'href="/encounters/(\d+)"')
        self.orders = pages.ids(
            self.page("patient: orders", "/decoction/orders"), r'href="/decoction/orders/(\d+)"'
        )

    @task(10)
    def home(self):
        self.journey(lambda: self.page("patient: home", "/me"))

    @task(8)
    def visit(self):
        if self.visits:
            eid = random.choice(self.visits)
            self.journey(lambda: self.page("patient: visit", f"/encounters/{eid}"))

    @task(6)
    def prescriptions(self):
        def steps():
            mine = self.page("patient: prescriptions", "/herbs/mine")
            found = pages.ids(mine, r'href="/herbs/prescriptions/(\d+)"')
            if found:
                rid = random.choice(found)
                self.page("patient: prescription", f"/herbs/prescriptions/{rid}")

        self.journey(steps)

    @task(6)
    def orders_and_tracking(self):
        def steps():
            mine = self.page("patient: orders", "/decoction/orders")
            self.orders = pages.ids(mine, r'href="/decoction/orders/(\d+)"') or self.orders
            if self.orders:
                oid = random.choice(self.orders)
                self.page("patient: order", f"/decoction/orders/{oid}")
                self.track(oid)

        self.journey(steps)

    @task(6)
    def tracking(self):
        """The order page open: its timeline polls the stages (decoction.js)."""
        if self.orders:
            oid = random.choice(self.orders)
            self.journey(lambda: self.track(oid))

    def track(self, order_id):
        body = self.call("GET", "patient: order tracking", f"/decoction/orders/{order_id}/timeline")
        if "status" not in json.loads(body.text):
            raise JourneyError("order tracking")

    @task(3)
    def bookings(self):
        self.journey(lambda: self.page("patient: treatments", "/treatments/"))

    @task(4)
    def treatment_times(self):
        self.journey(self.look_at_times)

    def look_at_times(self) -> tuple[str, list[str]]:
        form = self.page("patient: treatment form", "/treatments/book")
        patient_id = pages.form(form, "/treatments/book", method="get").fields.get("patient_id", "")
        therapy = random.choice(("tuina", "acupuncture", "cupping"))
        day = (date.today() + timedelta(days=random.randint(1, 14))).isoformat()
        query = f"/treatments/book?therapy={therapy}&day={day}&patient_id={patient_id}"
        found = self.page("patient: treatment times", query)
        return found, pages.hrefs(found, "/treatments/book?therapy=")

    @task(2)
    def book_treatment(self):
        def steps():
            _page, slots = self.look_at_times()
            for _attempt in range(3):
                if not slots:
                    return  # no free time in that fortnight: the person tries another day later
                confirm = self.page("patient: treatment confirm", random.choice(slots[:12]))
                form = pages.form(confirm, "/treatments/book")
                data = dict(form.fields)
                for question in form.radios:
                    data[question] = "no"  # screening: none of the contraindications applies
                done = self.post(
                    "patient: book treatment",
                    "/treatments/book",
                    data,
                    "/treatments/book",
                    refused=(409, 422),
                )
                if done is not None:
                    self.page("patient: booking", location(done))
                    return
                # Taken meanwhile: the refusal page offers other free times.
                refusal = self.page("patient: treatment times", "/treatments/book?" + _query(form))
                slots = pages.hrefs(refusal, "/treatments/book?therapy=")

        self.journey(steps)

    @task(2)
    def book_consult(self):
        def steps():
            first = self.page("patient: consult form", "/consults/book")
            doctors = pages.form(first, "/consults/book", method="get").options.get("doctor_id", [])
            if not doctors:
                return
            path = f"/consults/book?doctor_id={random.choice(doctors)}"
            times = self.page("patient: consult times", path)
            for _attempt in range(3):
                form = pages.form(times, "/consults/book")
                if not form.options.get("slot"):
                    return  # this doctor has no free time: the person gives up for now
                data = dict(form.fields)
                data["slot"] = random.choice(form.options["slot"][:40])
                if "online_consultation" in form.options.get("kind", []):
                    data["kind"] = "online_consultation"
                data["chief_complaint"] = "胃脘隐痛反复，想请医生看看调理方案"
                done = self.post(
                    "patient: book consult", "/consults/book", data, path, refused=(409, 422)
                )
                if done is not None:
                    visit = location(done)
                    self.page("patient: visit", visit)
                    self.visits.append(int(visit.rsplit("/", 1)[-1]))
                    return
                times = self.page("patient: consult times", path)

        self.journey(steps)


def _query(form) -> str:
    from urllib.parse import urlencode

    wanted = {k: form.fields.get(k, "") for k in ("therapy", "patient_id")}
    wanted["day"] = form.fields.get("start", "")[:10]
    return urlencode(wanted)


# What a doctor types into a herb cell, keystroke bursts the editor searches for (herbs.js).
TYPING = [
    ("chen", "chenp", "陈皮", 9),
    ("ban", "banx", "半夏", 9),
    ("mu", "muxi", "木香", 6),
    ("sha", "sharen", "砂仁", 6),
    ("fu", "fuli", "茯苓", 12),
]


class Doctor(Visitor):
    weight = 15
    role = "doctor"

    def prepare(self):
        self.visits = self.workbench_visits()
        # The visits with a way into the editor (seeded: three per doctor, ready to prescribe).
        self.prescribing = []
        for eid in self.visits:
            visit = self.page("doctor: visit", f"/encounters/{eid}")
            if f'action="/herbs/encounters/{eid}/prescriptions"' in visit:
                self.prescribing.append(eid)

    def workbench_visits(self) -> list[int]:
        return pages.ids(self.page("doctor: workbench", "/workbench"), r'href="/encounters/(\d+)"')

    @task(6)
    def workbench(self):
        def steps():
            self.visits = self.workbench_visits() or self.visits

        self.journey(steps)

    @task(5)
    def visit(self):
        if self.visits:
            eid = random.choice(self.visits)
            self.journey(lambda: self.page("doctor: visit", f"/encounters/{eid}"))

    @task(5)
    def prescribe(self):
        if self.prescribing:
            self.journey(lambda: self.write_prescription(random.choice(self.prescribing)))

    def write_prescription(self, eid):
        visit_path = f"/encounters/{eid}"
        visit = self.page("doctor: visit", visit_path)
        opening = pages.form(visit, f"/herbs/encounters/{eid}/prescriptions")
        opened = self.post("doctor: open prescription", opening.action, opening.fields, visit_path)
        editor_path = location(opened)
        editor = self.page("doctor: editor", editor_path)
        form = pages.form(editor, form_id="rx-editor")
        csrf = re.search(r'data-csrf="([^"]+)"', editor).group(1)
        rid = int(re.search(r'data-prescription-id="(\d+)"', editor).group(1))
        lines = []
        for *typed, name, grams in random.sample(TYPING, 2):
            for query in (*typed, name):
                self.call("GET", "doctor: herb search", "/herbs/search", params={"q": query})
            lines.append({"name": name, "dose_g": grams})
        base = [{"name": n, "dose_g": g} for n, g in (("党参", 15), ("白术", 12), ("炙甘草", 6))]
        check = {"herbs": base + lines, "packets": 7, "prescription_id": rid}
        self.call(
            "POST",
            "doctor: live check",
            "/herbs/check",
            data=json.dumps(check),
            headers={"Content-Type": "application/json", "X-CSRFToken": csrf},
        )
        data = self.draft_fields(form, base + lines)
        saved = self.post("doctor: save draft", editor_path, data, editor_path, refused=(409, 422))
        if saved is not None:
            self.page("doctor: editor", location(saved))

    @staticmethod
    def draft_fields(form, lines) -> dict:
        """The editor's form as rendered, its rows replaced by `lines`, the save button pressed."""
        data = {k: v for k, v in form.fields.items() if not k.startswith("lines-")}
        rows = sorted({int(k.split("-")[1]) for k in form.fields if k.startswith("lines-")})
        for row in rows:
            line = lines[row] if row < len(lines) else {"name": "", "dose_g": ""}
            data[f"lines-{row}-name"] = line["name"]
            data[f"lines-{row}-dose_g"] = str(line["dose_g"])
            data[f"lines-{row}-method"] = ""
        data["save"] = "1"
        return data


class Pharmacist(Visitor):
    weight = 6
    role = "pharmacist"

    def prepare(self):
        self.waiting = self.queue()

    def queue(self) -> list[int]:
        queue = self.page("pharmacist: review queue", "/herbs/review")
        return pages.ids(queue, r'href="/herbs/prescriptions/(\d+)"')

    @task(3)
    def review_queue(self):
        def steps():
            self.waiting = self.queue()

        self.journey(steps)

    @task(4)
    def prescription(self):
        if self.waiting:
            rid = random.choice(self.waiting)
            self.journey(
                lambda: self.page("pharmacist: prescription", f"/herbs/prescriptions/{rid}")
            )


# Stages whose next move a person makes at once (soaking and decocting take their time).
MOVABLE = ("paid", "dispensed", "checked", "packaged", "shipped")
MOVE_VALUES = {"machine": "2号煎药机", "courier": "顺丰速运", "tracking_number": "SF1234567890"}


class Decoction(Visitor):
    weight = 9
    role = "decoction"

    def prepare(self):
        self.board = self.read_board()

    def read_board(self) -> dict[str, list[int]]:
        return board_orders(self.page("decoction: board", "/decoction/queue"))

    @task(4)
    def order_board(self):
        def steps():
            self.board = self.read_board()

        self.journey(steps)

    @task(3)
    def order(self):
        orders = [oid for ids in self.board.values() for oid in ids]
        if orders:
            oid = random.choice(orders)
            self.journey(lambda: self.page("decoction: order", f"/decoction/orders/{oid}"))

    @task(4)
    def move(self):
        def steps():
            self.board = self.read_board()
            ready = [oid for stage in MOVABLE for oid in self.board.get(stage, [])]
            if not ready:
                return
            oid = random.choice(ready[:20])  # the oldest first, as the room works
            path = f"/decoction/orders/{oid}"
            order = self.page("decoction: order", path)
            data = move_fields(order, oid)
            if data is None:
                return  # moved meanwhile to a stage that waits (soaking)
            moved = self.post("decoction: move", f"{path}/moves", data, path)
            after = self.page("decoction: order", location(moved))
            if pages.has_error_flash(after):
                # Refused as it should be: moved by a colleague a moment ago, or a check by the
                # person who dispensed. The person takes another order.
                REFUSALS["decoction: move"] += 1

        self.journey(steps)


def board_orders(board: str) -> dict[str, list[int]]:
    """Order ids by stage, from the board's sections (id="stage-…")."""
    found = {}
    for section in board.split("<section")[1:]:
        stage = re.search(r'id="stage-(\w+)"', section)
        if stage:
            found[stage.group(1)] = pages.ids(section, r'href="/decoction/orders/(\d+)"')
    return found


def move_fields(order_page: str, order_id: int) -> dict | None:
    """The next stage's form of the order page, filled as the person would: each herb weighed at
    its prescribed grams, a machine, a courier. None when the next move is not one made at once."""
    action = f"/decoction/orders/{order_id}/moves"
    for form in pages.forms(order_page):
        move = form.fields.get("move")
        if form.action != action or move in (None, "hold", "finish_soak", "finish_decoct"):
            continue
        data = dict(form.fields)
        for grams, name in re.findall(
            r'\(([\d.]+) g\) <input[^>]*name="(weighed-[^"]+)"', form.body
        ):
            data[name] = grams
        for name, value in MOVE_VALUES.items():
            if name in data and not data[name]:
                data[name] = value
        return data
    return None


USER_CLASSES = [Patient, Doctor, Pharmacist, Decoction]


class SignedInFloor(Visitor):
    """The floor of a page that shows a signed-in person their own data: a patient reads the
    cheapest such page (the inbox: the session's user, four statements, the menu) with no pause,
    as the trivial phase reads /healthz. No mix can go faster than this on the same stack."""

    role = "patient"

    def wait_time(self):
        return 0

    @task
    def floor(self):
        self.journey(lambda: self.page("patient: inbox (floor)", "/inbox"))
