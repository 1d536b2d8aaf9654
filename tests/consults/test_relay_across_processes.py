"""Several server processes: the doctor on one, the patient on another, signaling and chat relayed
through a real Redis (pub/sub for messages, a hash for presence)."""

import json

import pytest
import redis

from consults.services.hub import RedisHub
from tcm_app.app import create_app
from tcm_app.extensions import db
from tests.conftest import base_config, serve_in_thread
from tests.consults.test_signaling import close, connect, receive, token_for


@pytest.fixture
def config_overrides(redis_url):
    redis.Redis.from_url(redis_url).flushdb()  # room ids restart with every test database
    return {"CONSULT_REDIS_URL": redis_url}


def test_doctor_and_patient_on_two_processes_reach_each_other(
    app, consult, database_url, tmp_path, redis_url
):
    same_keys = {key: app.config[key] for key in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY")}
    second = create_app(
        base_config(database_url, tmp_path, CONSULT_REDIS_URL=redis_url, **same_keys)
    )
    assert isinstance(app.extensions["consult_hub"], RedisHub)
    d_token = token_for(app, consult, consult.doctor)
    p_token = token_for(app, consult, consult.patient.user)
    encounter_id = consult.id
    db.session.commit()
    db.session.remove()
    servers = [serve_in_thread(app), serve_in_thread(second)]
    doctor_ws = connect(f"127.0.0.1:{servers[0].server_port}", encounter_id, d_token)
    receive(doctor_ws, "welcome")
    patient_ws = connect(f"127.0.0.1:{servers[1].server_port}", encounter_id, p_token)
    try:
        assert receive(patient_ws, "welcome")["peers"][0]["role"] == "doctor"
        assert receive(doctor_ws, "peer-joined")["peer"]["role"] == "patient"
        doctor_ws.send(json.dumps({"type": "offer", "sdp": "v=0 across"}))
        assert receive(patient_ws, "offer")["sdp"] == "v=0 across"
        patient_ws.send(json.dumps({"type": "chat", "text": "收到"}))
        assert receive(doctor_ws, "chat")["text"] == "收到"
    finally:
        for ws in (doctor_ws, patient_ws):
            close(ws)
        for server in servers:
            server.shutdown()
        for each in (app, second):
            each.extensions["consult_hub"].stop()
        with second.app_context():
            db.engine.dispose()  # the second "process" gives back its database connections
