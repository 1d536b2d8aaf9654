"""Property-based fuzzing of the JSON API from its own OpenAPI document (schemathesis).

The promise under test: whatever a client sends, the API answers with a 2xx or with a 4xx JSON
error {"error": {"code", "message"}}, never with a 500. For each role, and without a token, cases
for every operation of /api/v1/openapi.json are generated, valid and invalid ones, operation after
operation; the visits (several, in different states) move on as the run goes. Path and body ids
mostly point at real rows (and sign-in at real accounts), so that validation and the services
behind it run, not only the 404 of an unknown id; some JSON strings get a character that a client
can send but a database cannot store. Every 2xx body is checked against its documented schema.

Beyond the schema, hostile input (issue 15): generated strings (body and query) often carry a
Unicode oddity or are made very long, and every operation, for every role, also gets raw bodies
nested hundreds to thousands of levels deep (answer: 400 too_deeply_nested) and a body just over
MAX_CONTENT_LENGTH (answer: 413). The summary counts them, so that they are seen to be sent.

Problems are collected, not raised: the test reports one example per (operation, cause), each
with a curl line, at the end. The run is deterministic: derandomize=True, and a fixed seed per
role and operation so that roles do not all get the same inputs. TCM_FUZZ_EXAMPLES=200 explores
further (minutes instead of seconds).
"""

import json
import os
import re
import traceback
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import response_schema_conformance
from schemathesis.errors import FailureGroup

from decoction.services import orders
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.services import encounters as encounter_service
from tests.api.helpers import API
from tests.factories import (
    PASSWORD,
    approved_prescription,
    bearer,
    create_child,
    create_doctor,
    create_encounter,
    create_patient,
    create_pharmacist,
    create_user,
    pdf_bytes,
    png_bytes,
)

# Hypothesis examples per operation and role (the test prints how many each operation got).
EXAMPLES_PER_OPERATION = int(os.environ.get("TCM_FUZZ_EXAMPLES", "20"))
ROLES = ("anonymous", "patient", "doctor", "clinic", "pharmacist")
TOKEN_PATH = f"{API}/auth/token"
ROOT = Path(__file__).resolve().parents[2]
# NUL: PostgreSQL text cannot hold it. A lone surrogate ("\ud800" in JSON): not encodable as UTF-8.
# The generator keeps to encodable text and rarely puts NUL in an otherwise valid body.
TROUBLEMAKERS = ("\x00", "\ud800", "\udfff")
# Storable, but odd: text-direction controls and isolates, zero-width characters and the BOM,
# C0/C1 controls, line separators, combining marks, astral-plane characters (emoji, CJK extension
# B), full-width digits, an ideographic space.
ODDITIES = (
    "\u202e",
    "\u2066",
    "\u2069",
    "\u061c",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\x1b",
    "\x85",
    "\x9b",
    "\u2028",
    "e\u0301\u0336",
    "😀",
    "👨\u200d👩\u200d👧",
    "\U00020000",
    "１２３",
    "\u3000",
)
LONG_TEXT_CHARS = 10_000  # over every field's limit (4,000 at most), well under MAX_CONTENT_LENGTH


@dataclass
class World:
    """Plain ids and names (no ORM rows: they expire at every commit the client makes)."""

    users: dict[str, int]
    usernames: list[str]
    patient_ids: list[int]
    doctor_ids: list[int]
    encounter_ids: list[int]
    headers: dict[str, dict]
    prescription_ids: list[int] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    consult_booking_ids: list[int] = field(default_factory=list)


def build_world() -> World:
    """A doctor enabled online with visits in several states, a patient with a child in her care,
    another doctor's patient, a doctor not online, a clinic-desk user and a pharmacist."""
    doctor = create_doctor(online=True)
    other_doctor = create_doctor(online=True)
    offline_doctor = create_doctor(online=False)
    patient = create_patient()
    child = create_child(patient, years=3, sex="male", name="王小明")
    stranger = create_patient(name="赵敏")
    requested = create_encounter(patient=patient, doctor=doctor)
    started = create_encounter(patient=patient, doctor=doctor, kind="online_consultation")
    encounter_service.start_encounter(started, doctor)
    diagnosed = create_encounter(patient=patient, doctor=doctor)
    encounter_service.start_encounter(diagnosed, doctor)
    encounter_service.record_diagnosis(diagnosed, doctor, "胃痛", "脾胃虚寒证")
    for_child = create_encounter(patient=child, doctor=doctor, actor=patient.user)
    elsewhere = create_encounter(patient=stranger, doctor=other_doctor)
    # Herb orders: an approved prescription still to order, one ordered, and a stranger's.
    to_order = approved_prescription(patient=patient, doctor=doctor)
    ordered = approved_prescription(patient=patient, doctor=doctor)
    order = orders.place_order(ordered, patient.user, "raw", "pickup")
    strangers_rx = approved_prescription(patient=stranger, doctor=other_doctor)
    strangers_order = orders.place_order(strangers_rx, stranger.user, "raw", "pickup")
    consult_booking = book_a_consult(doctor, for_child)
    accounts = {
        "patient": patient.user,
        "doctor": doctor,
        "clinic": create_user(Role.CLINIC),
        "pharmacist": create_pharmacist(),
    }
    db.session.commit()
    return World(
        users={role: user.id for role, user in accounts.items()},
        usernames=sorted(user.username for user in accounts.values()),
        patient_ids=[patient.id, child.id, stranger.id],
        doctor_ids=[doctor.id, other_doctor.id, offline_doctor.id],
        encounter_ids=[e.id for e in (requested, started, diagnosed, for_child, elsewhere)],
        headers={role: bearer(user) for role, user in accounts.items()},
        prescription_ids=[to_order.id, ordered.id, strangers_rx.id],
        order_ids=[order.id, strangers_order.id],
        consult_booking_ids=[consult_booking.id],
    )


def book_a_consult(doctor, encounter):
    """Consult hours every day (the slot endpoints list and book real slots), one booked."""
    from datetime import time

    from consults.services import booking

    for weekday in range(7):
        booking.add_session(doctor, weekday, time(8, 0), time(20, 0), 15)
    slot = booking.free_slots(doctor)[0]
    return booking.book(
        encounter.patient.guardian.user,
        encounter.patient,
        doctor,
        slot.starts_at,
        "",
        "",
        encounter,
    )


def pick(data, choices, label: str):
    """One of `choices` three times in four, else None (keep what was generated)."""
    if data.draw(st.integers(0, 3), label=f"use real {label}"):
        return data.draw(st.sampled_from(choices), label=label)
    return None


def anchor(case, data, world: World) -> None:
    """Point generated ids at real rows and credentials at real accounts, mostly.

    Wrong passwords may lock these accounts: their tokens stay valid, sign-in answers 401.
    """
    for name, choices in (
        ("encounter_id", world.encounter_ids),
        ("patient_id", world.patient_ids),
        ("prescription_id", world.prescription_ids),
        ("order_id", world.order_ids),
        ("consult_booking_id", world.consult_booking_ids),
    ):
        if name in case.path_parameters and (real := pick(data, choices, name)) is not None:
            case.path_parameters[name] = real
    query = case.query or {}
    if "doctor_id" in query and (real := pick(data, world.doctor_ids, "query doctor_id")):
        query["doctor_id"] = real
    body = case.body
    if not isinstance(body, dict):
        return
    for name, choices in (
        ("patient_id", world.patient_ids),
        ("doctor_id", world.doctor_ids),
        ("encounter_id", world.encounter_ids),
    ):
        if name in body and (real := pick(data, choices, f"body {name}")) is not None:
            body[name] = real
    is_sign_in = case.path == TOKEN_PATH and "username" in body
    if is_sign_in and (username := pick(data, world.usernames, "username")) is not None:
        body["username"] = username
        body["password"] = pick(data, [PASSWORD], "password") or body.get("password", "")
    if "file" in body and (real := pick(data, [png_bytes(), pdf_bytes()], "file")) is not None:
        body["file"] = real
    texts = sorted(name for name, value in body.items() if isinstance(value, str))
    if case.media_type == "application/json" and texts and data.draw(st.integers(0, 2)) == 0:
        name = data.draw(st.sampled_from(texts), label="troublesome field")
        body[name] = body[name][:-1] + data.draw(st.sampled_from(TROUBLEMAKERS), label="char")


def make_odd(fields: dict, data, where: str, outcome: "Outcome") -> None:
    """One time in two, an oddity into one string field; one time in six, every string field
    made very long (with oddities in it). Counted by kind in the outcome."""
    texts = sorted(name for name, value in fields.items() if isinstance(value, str))
    if not texts:
        return
    if data.draw(st.integers(0, 1), label=f"odd {where}") == 0:
        name = data.draw(st.sampled_from(texts), label=f"odd {where} field")
        odd = data.draw(st.sampled_from(ODDITIES), label="oddity")
        at = data.draw(st.integers(0, len(fields[name])), label="where")
        fields[name] = fields[name][:at] + odd + fields[name][at:]
        outcome.note(f"a Unicode oddity in a {where} string")
    if data.draw(st.integers(0, 5), label=f"long {where}") == 0:
        odd = data.draw(st.sampled_from(ODDITIES), label="long oddity")
        long_text = (("字" + odd) * LONG_TEXT_CHARS)[:LONG_TEXT_CHARS]
        for name in texts:
            fields[name] = long_text
        outcome.note(f"every {where} string {LONG_TEXT_CHARS:,} characters long")


def error_body_problem(response) -> str | None:
    """Why a 4xx answer is not the documented JSON error, or None."""
    try:
        body = json.loads(response.content)
    except ValueError:
        kind = ",".join(response.headers.get("content-type", []))
        return f"{response.status_code}, not JSON ({kind}): {response.content[:200]!r}"
    error = body.get("error") if isinstance(body, dict) else None
    if not (
        isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
    ):
        return f"{response.status_code} without error.code and error.message: {body!r:.300}"
    return None


def app_frame(exc: BaseException) -> str:
    """The innermost traceback line in our own code, to tell causes apart."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [
        f
        for f in frames
        if f.filename.startswith(str(ROOT))
        and not f.filename.startswith((str(ROOT / ".venv"), str(ROOT / "tests")))
    ]
    if not ours:  # e.g. the test client refused to send the request: not the app's fault
        return f"outside the app, {frames[-1].filename}:{frames[-1].lineno}"
    return f"{Path(ours[-1].filename).relative_to(ROOT)}:{ours[-1].lineno} in {ours[-1].name}"


def curl(case, headers: dict | None) -> str:
    try:
        return case.as_curl_command(headers=headers)
    except Exception as exc:  # a reproduction line is a courtesy; never hide the real problem
        return f"(no curl line: {exc!r}) {case!r:.500}"


@dataclass
class Outcome:
    counts: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    problems: dict[tuple, str] = field(default_factory=dict)
    hostile: dict[str, int] = field(default_factory=dict)  # by kind of hostile input

    def note(self, kind: str) -> None:
        self.hostile[kind] = self.hostile.get(kind, 0) + 1

    def count(self, label: str, status: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + 1
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def problem(self, key: tuple, text: str) -> None:
        self.problems.setdefault(key, text)


def run_case(case, client, world: World, role: str, outcome: Outcome) -> None:
    label = case.operation.label
    headers = None
    if role != "anonymous" and label == f"DELETE {TOKEN_PATH}":
        # Revoking the role's own token would turn the rest of the run into 401s.
        headers = bearer(db.session.get(User, world.users[role]))
    try:
        response = case.call(session=client, headers=headers)
    except Exception as exc:  # an exception the app lets escape is a 500 for the client
        outcome.count(label, 500)
        where = app_frame(exc)
        first_line = (str(exc).splitlines() or [""])[0][:200]
        outcome.problem(
            (label, type(exc).__name__, where),
            f"500 {label} [{role}]: {type(exc).__name__}: {first_line}\n"
            f"    at {where}\n    {curl(case, headers)}",
        )
        return
    status = response.status_code
    outcome.count(label, status)
    reproduce = f"\n    {curl(case, headers)}"
    if status >= 500:
        outcome.problem((label, status), f"{status} {label} [{role}]" + reproduce)
    elif status >= 400:
        if problem := error_body_problem(response):
            outcome.problem((label, "error body"), f"{label} [{role}]: {problem}" + reproduce)
    elif status < 300:
        try:
            case.validate_response(response, checks=[response_schema_conformance])
        except FailureGroup as exc:
            outcome.problem((label, "schema", status), f"{status} {label} [{role}]:\n{exc}")


def _nested_lists(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _nested_objects(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


MAX_CONTENT_LENGTH = 12 * 1024 * 1024
# Sent raw to every operation as every role: (kind, body, the answer expected). Deep bodies are
# refused before any recursive parser runs; an oversized one before it is read.
HOSTILE_BODIES = (
    ("lists nested 600 deep", _nested_lists(600), (400, "too_deeply_nested")),
    ("lists nested 5,000 deep", _nested_lists(5000), (400, "too_deeply_nested")),
    ("objects nested 3,000 deep", _nested_objects(3000), (400, "too_deeply_nested")),
    (
        "a field nested 1,000 deep",
        b'{"username": ' + _nested_lists(1000) + b', "text": "\\u202e"}',
        (400, "too_deeply_nested"),
    ),
    (
        "a body of 12 MB + 1 byte",
        b'{"note": "' + b"x" * (MAX_CONTENT_LENGTH - 11) + b'"}',
        (413, None),
    ),
)


def send_hostile_bodies(operation, client, world: World, role: str, outcome: Outcome) -> None:
    """Each of HOSTILE_BODIES to the operation (path ids set to 1), with the role's token."""
    path = re.sub(r"\{[^}/]+\}", "1", operation.full_path)
    headers = {**world.headers.get(role, {}), "Content-Type": "application/json"}
    for kind, body, (status, code) in HOSTILE_BODIES:
        outcome.note(kind)
        label = operation.label
        reproduce = f"{operation.method.upper()} {path} with {kind}"
        try:
            response = client.open(
                path, method=operation.method.upper(), data=body, headers=headers
            )
        except Exception as exc:  # an exception the app lets escape is a 500 for the client
            outcome.count(label, 500)
            outcome.problem((label, kind), f"500 {reproduce} [{role}]: {type(exc).__name__}")
            continue
        outcome.count(label, response.status_code)
        answered = response.json.get("error", {}).get("code") if response.is_json else None
        if response.status_code != status or (code and answered != code):
            outcome.problem(
                (label, kind),
                f"{response.status_code} {answered} {reproduce} [{role}], expected {status} {code}",
            )


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # problems are collected, not raised: no shrinking
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def fuzz_operation(operation, client, world: World, role: str, outcome: Outcome) -> None:
    """EXAMPLES_PER_OPERATION cases (fewer when there are not that many different ones)."""
    strategies = [
        operation.as_strategy(generation_mode=mode, headers=world.headers.get(role))
        for mode in schemathesis.GenerationMode
    ]

    @FUZZ_SETTINGS
    @seed(zlib.crc32(f"{role} {operation.label}".encode()))  # fixed, but differs per role
    @given(case=st.one_of(strategies), data=st.data())
    def fuzz(case, data):
        anchor(case, data, world)
        make_odd(case.query or {}, data, "query", outcome)
        if case.media_type == "application/json" and isinstance(case.body, dict):
            make_odd(case.body, data, "body", outcome)
        run_case(case, client, world, role, outcome)

    fuzz()


@pytest.mark.parametrize("role", ROLES)
def test_fuzzed_requests_get_4xx_json_errors_never_500(app, client, role):
    assert app.config["MAX_CONTENT_LENGTH"] == MAX_CONTENT_LENGTH  # the oversized body is over it
    world = build_world()
    # Explicit config (no schemathesis.toml discovery); curl lines keep the test credentials.
    config = schemathesis.Config.from_dict({"output": {"sanitization": {"enabled": False}}})
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app, config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    outcome = Outcome()
    for operation in operations:
        fuzz_operation(operation, client, world, role, outcome)
        send_hostile_bodies(operation, client, world, role, outcome)

    statuses = dict(sorted(outcome.statuses.items()))
    print(f"\n[{role}] {sum(outcome.counts.values())} cases, by status {statuses}")
    for label, count in sorted(outcome.counts.items()):
        print(f"  {count:4d}  {label}")
    print("  of which hostile input:")
    for kind, count in sorted(outcome.hostile.items()):
        print(f"  {count:4d}  {kind}")
    assert set(outcome.counts) == {operation.label for operation in operations}
    for kind, _, _ in HOSTILE_BODIES:
        assert outcome.hostile.get(kind) == len(operations), kind
    assert any(kind.startswith("a Unicode oddity") for kind in outcome.hostile)
    assert any(kind.startswith("every body string") for kind in outcome.hostile)
    if outcome.problems:
        report = "\n\n".join(outcome.problems.values())
        pytest.fail(f"{len(outcome.problems)} problem(s) as {role}:\n\n{report}", pytrace=False)
