"""TCM_SERVER_TIMING=1 (make load): each response says how long the request spent in database
statements and in the rest of the application; off by default (it would tell anyone how slow the
database is)."""

import re

import pytest

from tcm_app.config import apply_environment, default_config
from tests.factories import create_patient, login

TIMING = re.compile(r'^db;dur=(\d+\.\d);desc="(\d+) statements", app;dur=(\d+\.\d)$')


@pytest.fixture
def config_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("config_overrides", [{"SERVER_TIMING": True}], indirect=True)
def test_with_the_setting_a_response_splits_its_time_into_database_and_application(client):
    patient = create_patient()
    login(client, patient.user)
    response = client.get("/me")  # the patient's home reads visits and family from the database
    assert response.status_code == 200
    database, statements, application = map(
        float, TIMING.match(response.headers["Server-Timing"]).groups()
    )
    assert database > 0 and statements >= 1 and application > 0


def test_without_the_setting_no_response_tells_its_timing(client):
    patient = create_patient()
    login(client, patient.user)
    assert "Server-Timing" not in client.get("/me").headers


@pytest.mark.parametrize("value, on", [("1", True), ("0", False)], ids=["1 turns it on", "0 off"])
def test_the_setting_is_read_from_the_environment(tmp_path, value, on):
    config = default_config(str(tmp_path))
    assert config["SERVER_TIMING"] is False
    apply_environment(config, {"TCM_SERVER_TIMING": value})
    assert bool(config["SERVER_TIMING"]) is on
