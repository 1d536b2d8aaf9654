"""The default per-client limit (issue 21): every JSON API request and every form post counts per
client (the signed-in user, else the address) and per endpoint, across every node through the
shared Redis; answered 429 with the API's error JSON or a Chinese page, and Retry-After. Page
views, static files and the load balancer's probes are never counted. The address is the
X-Forwarded-For one only behind the trusted proxies (TCM_TRUSTED_PROXIES)."""

import urllib.error
import urllib.request

import pytest
import redis
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tcm_app.app import create_app
from tcm_app.config import ConfigError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.api.helpers import API, api_error
from tests.conftest import base_config
from tests.core.test_config import SAFE
from tests.factories import bearer, create_patient, create_user, login
from tests.webrtc.server_process import ServerProcess

LIMIT = 3
ANONYMOUS_API = f"{API}/encounters"  # 401 without a token, counted all the same


@pytest.fixture
def config_overrides():
    return {"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": f"{LIMIT} per minute"}


def statuses(send, times: int = LIMIT + 1) -> list[int]:
    found = []
    for _ in range(times):
        response = send()
        found.append(response.status_code)
        response.close()  # a static file's answer holds the file open
    return found


def assert_limited(response) -> None:
    error = api_error(response, 429, "rate_limited")
    assert error["message"] == "请求过于频繁，请稍候再试。"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_an_api_client_is_stopped_after_the_limit_with_the_api_error(app, client):
    headers = bearer(create_user(Role.PATIENT))
    assert statuses(lambda: client.get(f"{API}/me", headers=headers), LIMIT) == [200] * LIMIT
    assert_limited(client.get(f"{API}/me", headers=headers))


def test_each_signed_in_user_has_their_own_count_from_one_address(app, client):
    first, second = bearer(create_user(Role.PATIENT)), bearer(create_user(Role.PATIENT))
    statuses(lambda: client.get(f"{API}/me", headers=first))
    assert client.get(f"{API}/me", headers=second).status_code == 200


def test_while_tokens_cannot_be_looked_up_the_address_is_counted(app, client, monkeypatch):
    """The database away at the moment the limit looks the token up: no 500, the client is
    counted by its address (two users from one address then share the count)."""
    first, second = bearer(create_user(Role.PATIENT)), bearer(create_user(Role.PATIENT))

    def database_away():
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr("tcm_app.views.rate_limits.request_token", database_away)
    answers = [client.get(f"{API}/me", headers=h).status_code for h in (first, second) * 2]
    assert answers == [200] * LIMIT + [429]


def test_the_limit_and_the_view_look_the_token_up_once_between_them(app, client):
    headers = bearer(create_user(Role.PATIENT))
    lookups = []

    def count_token_lookups(conn, cursor, statement, *args):
        if "FROM api_tokens" in statement:
            lookups.append(statement)

    event.listen(db.engine, "before_cursor_execute", count_token_lookups)
    try:
        assert client.get(f"{API}/me", headers=headers).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count_token_lookups)
    assert len(lookups) == 1


def test_each_endpoint_has_its_own_count(app, client):
    headers = bearer(create_user(Role.PATIENT))
    statuses(lambda: client.get(f"{API}/me", headers=headers))
    assert client.get(f"{API}/departments", headers=headers).status_code == 200


def test_a_form_post_flood_gets_a_chinese_page_with_429(app, client):
    patient = create_patient()
    db.session.commit()
    login(client, patient.user)
    counted = statuses(lambda: client.post("/me/pregnancy", data={}), LIMIT)
    assert 429 not in counted
    response = client.post("/me/pregnancy", data={})
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert "请求过于频繁，请稍候再试。" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/healthz", id="liveness-is-never-limited"),
        pytest.param("/readyz", id="readiness-is-never-limited"),
        pytest.param("/login", id="a-page-view-is-not-counted"),
        pytest.param("/static/app.css", id="static-files-are-not-counted"),
    ],
)
def test_probes_pages_and_static_files_are_not_counted(app, client, path):
    assert statuses(lambda: client.get(path), LIMIT * 3) == [200] * (LIMIT * 3)


def forwarded(address: str) -> dict:
    return {"X-Forwarded-For": address}


def send_from(client, addresses):
    return [client.get(ANONYMOUS_API, headers=forwarded(a)).status_code for a in addresses]


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(app, client):
    """A client that names a new address in each request is still the one address it has."""
    addresses = [f"203.0.113.{n}" for n in range(LIMIT + 1)]
    assert send_from(client, addresses) == [401] * LIMIT + [429]


BEHIND_NGINX = {"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": f"{LIMIT} per minute",
                "TRUSTED_PROXIES": 1}  # fmt: skip


@pytest.mark.parametrize("config_overrides", [BEHIND_NGINX])
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(app, client):
    addresses = [f"203.0.113.{n}" for n in range(LIMIT + 1)]
    assert send_from(client, addresses) == [401] * (LIMIT + 1)  # each its own client
    assert send_from(client, ["198.51.100.7"] * (LIMIT + 1)) == [401] * LIMIT + [429]


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        pytest.param({"TRUSTED_PROXIES": -1}, "TCM_TRUSTED_PROXIES", id="negative-proxy-hops"),
        pytest.param({"TRUSTED_PROXIES": 9}, "TCM_TRUSTED_PROXIES", id="too-many-proxy-hops"),
        pytest.param({"API_RATE_LIMIT": "lots"}, "TCM_API_RATE_LIMIT", id="a-limit-not-a-rate"),
        pytest.param({"API_RATE_LIMIT": ""}, "TCM_API_RATE_LIMIT", id="an-empty-limit"),
    ],
)
def test_a_wrong_limit_setting_stops_start(change, variable):
    with pytest.raises(ConfigError) as exc:
        create_app({**SAFE, **change})
    assert str(exc.value).startswith(variable)


def node_config(database_url, tmp_path, redis_url) -> dict:
    """What each node of a production pair shares: the database, the keys and the limits' Redis."""
    limits = {"RATELIMIT_STORAGE_URI": redis_url, "API_RATE_LIMIT": f"{LIMIT} per minute"}
    return base_config(database_url, tmp_path, RATELIMIT_ENABLED=True, **limits)


@pytest.fixture
def two_nodes(redis_url, database_url, tmp_path):
    """One node in this process, the other in its own (no memory shared but Redis)."""
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    config = node_config(database_url, tmp_path, redis_url)
    second = ServerProcess(config, tmp_path / "second-node.log")
    second.start()
    try:
        yield create_app(config), second, store
    finally:
        second.stop()
        store.flushdb()
        store.close()


def status_over_http(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_two_nodes_sharing_one_redis_limit_a_client_together(two_nodes):
    first, second_node, store = two_nodes
    client = first.test_client()

    def on_first():
        return client.get(ANONYMOUS_API).status_code

    def on_second():
        return status_over_http(second_node.url + ANONYMOUS_API)

    answers = [node() for node in (on_first, on_second, on_first)]
    assert answers == [401] * LIMIT  # the limit counts both nodes' requests
    assert on_second() == 429 and on_first() == 429
    assert store.keys("LIMITS:*"), "the counts are kept in Redis"
