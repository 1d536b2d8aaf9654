"""The live server's host:port for WebSocket clients and a ready online follow-up between a doctor
and a patient (the private Redis, `redis_url`, is in tests/conftest.py)."""

import pytest

from tests.factories import create_prescribable_encounter


@pytest.fixture
def live_host(live_server):
    return live_server.removeprefix("http://")


@pytest.fixture
def consult(app):
    return create_prescribable_encounter()
