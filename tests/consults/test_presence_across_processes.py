"""Presence across server processes through a real Redis: one socket per person per room. An entry
left in the presence hash by a process that died is dropped when its person joins again (nobody
is shown a ghost), and a person who opens the call on another process has the old socket closed
on the first one (4003 replaced) without the other side hearing that they left."""

import json

import pytest
import redis

from consults.services.hub import PRESENCE_PREFIX
from tcm_app.app import create_app
from tcm_app.extensions import db
from tests.conftest import base_config, serve_in_thread, wait_for_sockets_to_close
from tests.consults.test_signaling import close, receive, token_for
from tests.consults.test_signaling_lifecycle import closed, connect, frames_for, send

DOCTOR_PAGE, PATIENT_PAGE = "doctor-page-1", "patient-page-1"


@pytest.fixture
def config_overrides(redis_url):
    redis.Redis.from_url(redis_url).flushdb()  # room ids restart with every test database
    return {"CONSULT_REDIS_URL": redis_url}


@pytest.fixture
def store(redis_url):
    return redis.Redis.from_url(redis_url)


@pytest.fixture
def processes(app, consult, database_url, tmp_path, redis_url):
    """Two server "processes" (apps with their own hub) on one database and one Redis; room
    tokens for the doctor and the patient, which either process accepts."""
    same_keys = {key: app.config[key] for key in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY")}
    second = create_app(
        base_config(database_url, tmp_path, CONSULT_REDIS_URL=redis_url, **same_keys)
    )
    people = {"doctor": consult.doctor, "patient": consult.patient.user}
    ids = {who: user.id for who, user in people.items()} | {"room": consult.id}
    tokens = {
        who: [token_for(app, consult, user) for _ in range(2)] for who, user in people.items()
    }
    db.session.commit()
    db.session.remove()
    servers = [serve_in_thread(app), serve_in_thread(second)]
    hosts = [f"127.0.0.1:{server.server_port}" for server in servers]
    sockets = []

    def join(process, who, page):
        ws = connect(hosts[process], ids["room"], tokens[who].pop(), page)
        sockets.append(ws)
        return ws, receive(ws, "welcome")

    yield join, ids
    for ws in sockets:
        close(ws)
    for each in (app, second):
        wait_for_sockets_to_close(each)
    for server in servers:
        server.shutdown()
    for each in (app, second):
        each.extensions["consult_hub"].stop()
    with second.app_context():
        db.engine.dispose()  # the second "process" gives back its database connections


def presence(store, room) -> list[dict]:
    return [json.loads(user) for user in store.hgetall(PRESENCE_PREFIX + str(room)).values()]


def ghost(store, room, user_id, role) -> None:
    """What a process that died leaves behind: its socket's entry in the room's presence."""
    entry = {"id": user_id, "role": role, "name": "幽灵", "page": "dead-process-page"}
    store.hset(PRESENCE_PREFIX + str(room), "conn-of-a-dead-process", json.dumps(entry))


def test_a_ghost_of_the_patient_is_dropped_when_the_patient_joins_again(processes, store):
    join, ids = processes
    ghost(store, ids["room"], ids["patient"], "patient")
    _, patient_welcome = join(1, "patient", PATIENT_PAGE)
    assert patient_welcome["peers"] == []  # not even its own ghost
    _, doctor_welcome = join(0, "doctor", DOCTOR_PAGE)
    assert [(p["role"], p.get("page")) for p in doctor_welcome["peers"]] == [
        ("patient", PATIENT_PAGE)
    ]
    assert sorted(p["page"] for p in presence(store, ids["room"])) == [
        DOCTOR_PAGE,
        PATIENT_PAGE,
    ]


def test_a_ghost_of_the_doctor_is_dropped_when_the_doctor_joins_again(processes, store):
    join, ids = processes
    patient_ws, _ = join(1, "patient", PATIENT_PAGE)
    ghost(store, ids["room"], ids["doctor"], "doctor")  # the doctor's process died meanwhile
    _, doctor_welcome = join(0, "doctor", DOCTOR_PAGE)
    assert [p["page"] for p in doctor_welcome["peers"]] == [PATIENT_PAGE]
    assert receive(patient_ws, "peer-joined")["peer"]["page"] == DOCTOR_PAGE
    assert "dead-process-page" not in [p["page"] for p in presence(store, ids["room"])]


def test_the_same_person_joining_on_another_process_closes_the_old_socket_with_4003(
    processes, store
):
    join, ids = processes
    doctor_ws, _ = join(0, "doctor", DOCTOR_PAGE)
    old_ws, _ = join(0, "patient", PATIENT_PAGE)
    receive(doctor_ws, "peer-joined")
    new_ws, welcome = join(1, "patient", PATIENT_PAGE)
    code, reason, frames = closed(old_ws, timeout=5)
    assert (code, reason) == (4003, "replaced")
    assert [f["code"] for f in frames if f["type"] == "error"] == ["replaced"]
    assert [p["page"] for p in welcome["peers"]] == [DOCTOR_PAGE]
    seen = frames_for(doctor_ws, 1.5)
    assert [(f["type"], f["peer"]["page"]) for f in seen] == [("peer-joined", PATIENT_PAGE)]
    assert sorted(p["role"] for p in presence(store, ids["room"])) == ["doctor", "patient"]
    send(doctor_ws, type="offer", sdp="v=0 to the new socket")
    assert receive(new_ws, "offer")["sdp"] == "v=0 to the new socket"
