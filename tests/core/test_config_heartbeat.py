"""Consult heartbeat settings: whole seconds, and an idle limit that outlasts two missed pings, or
the app does not start; each comes from its TCM_* variable."""

import pytest

from consults.settings import validate as validate_consult_heartbeat
from tcm_app.app import create_app
from tcm_app.config import ConfigError, apply_environment, default_config
from tests.core.test_config import SAFE

pytestmark = pytest.mark.pure
DEVELOPMENT = {**SAFE, "ENV_NAME": "development"}

REFUSED = [
    ("idle equal to twice the ping", {"CONSULT_PING_SECONDS": 15, "CONSULT_IDLE_SECONDS": 30}),
    ("idle below the ping", {"CONSULT_PING_SECONDS": 15, "CONSULT_IDLE_SECONDS": 10}),
    ("idle equal to the ping", {"CONSULT_PING_SECONDS": 5, "CONSULT_IDLE_SECONDS": 5}),
    ("default ping with an idle of 30 s", {"CONSULT_IDLE_SECONDS": 30}),
    ("default idle with a ping of 30 s", {"CONSULT_PING_SECONDS": 30}),
]


@pytest.mark.parametrize("change", [c[1] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_an_idle_limit_not_above_twice_the_ping_stops_start(change):
    with pytest.raises(ConfigError) as exc:
        create_app({**DEVELOPMENT, **change})
    message = str(exc.value)
    assert message.startswith("TCM_CONSULT_IDLE_SECONDS") and "TCM_CONSULT_PING_SECONDS" in message


BAD_NUMBERS = [
    (key, value)
    for key in ("CONSULT_PING_SECONDS", "CONSULT_IDLE_SECONDS", "CONSULT_ROOM_TOKEN_SECONDS")
    for value in (0, -1, 3601, 1.5, "20", None)
]


@pytest.mark.parametrize(
    "key,value",
    BAD_NUMBERS,
    ids=[
        f"{key.lower()} {value!r} is not whole seconds from 1 to 3600" for key, value in BAD_NUMBERS
    ],
)
def test_a_setting_that_is_not_whole_seconds_in_range_stops_start(key, value):
    config = {**default_config("/nonexistent"), key: value}
    with pytest.raises(ConfigError, match=f"^TCM_{key} must be a whole number of seconds"):
        validate_consult_heartbeat(config)
    with pytest.raises(ConfigError, match=f"TCM_{key}"):
        create_app({**DEVELOPMENT, key: value})


ACCEPTED = [
    ("the defaults", {}),
    ("idle just above twice the ping", {"CONSULT_PING_SECONDS": 15, "CONSULT_IDLE_SECONDS": 31}),
    ("the tests' fast heartbeat", {"CONSULT_PING_SECONDS": 1, "CONSULT_IDLE_SECONDS": 3}),
    ("a token of one second", {"CONSULT_ROOM_TOKEN_SECONDS": 1}),
    (
        "an hour everywhere but the ping",
        {"CONSULT_IDLE_SECONDS": 3600, "CONSULT_ROOM_TOKEN_SECONDS": 3600},
    ),
]


@pytest.mark.parametrize("change", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_sound_heartbeat_settings_start(change):
    app = create_app({**DEVELOPMENT, **change})
    for key, value in change.items():
        assert app.config[key] == value


def test_the_defaults_ping_every_15_s_and_close_after_60_s():
    config = default_config("/nonexistent")
    assert (config["CONSULT_PING_SECONDS"], config["CONSULT_IDLE_SECONDS"]) == (15, 60)
    assert config["CONSULT_ROOM_TOKEN_SECONDS"] == 120


def test_heartbeat_settings_are_read_from_the_environment():
    config = default_config("/nonexistent")
    apply_environment(
        config,
        {
            "TCM_CONSULT_PING_SECONDS": "10",
            "TCM_CONSULT_IDLE_SECONDS": "45",
            "TCM_CONSULT_ROOM_TOKEN_SECONDS": "300",
        },
    )
    assert config["CONSULT_PING_SECONDS"] == 10
    assert config["CONSULT_IDLE_SECONDS"] == 45
    assert config["CONSULT_ROOM_TOKEN_SECONDS"] == 300
    validate_consult_heartbeat(config)


def test_an_environment_idle_limit_too_close_to_the_ping_is_refused():
    config = default_config("/nonexistent")
    apply_environment(config, {"TCM_CONSULT_PING_SECONDS": "20", "TCM_CONSULT_IDLE_SECONDS": "40"})
    with pytest.raises(ConfigError, match=r"^TCM_CONSULT_IDLE_SECONDS"):
        validate_consult_heartbeat(config)


@pytest.mark.parametrize("raw", ["ten", "1.5", "15s"], ids=lambda raw: f"{raw!r} is not a number")
def test_a_heartbeat_variable_that_is_not_a_whole_number_is_refused(raw):
    with pytest.raises(ConfigError, match="TCM_CONSULT_PING_SECONDS"):
        apply_environment(default_config("/nonexistent"), {"TCM_CONSULT_PING_SECONDS": raw})
