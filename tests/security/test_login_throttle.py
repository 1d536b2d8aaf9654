"""Finding 8: failed sign-ins are counted per username AND source address together. A stranger
guessing from one address locks only that address out, each lock longer than the one before; the
owner signing in from elsewhere is not locked. Unknown usernames are throttled the same way, so the
answers do not tell who has an account. A safety net per username across all addresses still slows
a guess spread over many addresses."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tcm_app.extensions import db
from tcm_app.models.accounts import LoginThrottle, Role
from tests.api.helpers import API, api_error, forget_uncommitted
from tests.factories import PASSWORD, create_user

TOKEN_URL = f"{API}/auth/token"
STRANGER = "203.0.113.9"
OWNER = "198.51.100.7"
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 at the clinic


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sign_in(client, username, password, source):
    return client.post(
        TOKEN_URL,
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": source},
    )


def page_sign_in(client, username, password, source):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": source},
    )


def fail(client, username, times, source=STRANGER):
    for _ in range(times):
        api_error(sign_in(client, username, "wrong-guess-1", source), 401)


def test_a_stranger_locks_only_their_own_address(app, client, frozen):
    owner = create_user(Role.DOCTOR)
    db.session.commit()
    fail(client, owner.username, app.config["LOGIN_MAX_FAILURES"])

    api_error(sign_in(client, owner.username, PASSWORD, STRANGER), 401, "account_locked")
    assert sign_in(client, owner.username, PASSWORD, OWNER).status_code == 201


def test_the_owner_on_the_sign_in_page_is_not_locked_by_a_stranger(app, client, frozen):
    owner = create_user(Role.DOCTOR)
    db.session.commit()
    fail(client, owner.username, app.config["LOGIN_MAX_FAILURES"])
    assert page_sign_in(client, owner.username, PASSWORD, OWNER).status_code == 302


@pytest.mark.parametrize(
    ("minutes_later", "locked"),
    [
        pytest.param(0.9, True, id="first lock holds for its minute"),
        pytest.param(1.1, False, id="first lock ends after one minute"),
    ],
)
def test_the_first_lock_is_short(app, client, frozen, minutes_later, locked):
    owner = create_user(Role.DOCTOR)
    db.session.commit()
    fail(client, owner.username, app.config["LOGIN_MAX_FAILURES"])
    frozen.shift(timedelta(minutes=minutes_later))
    status = sign_in(client, owner.username, PASSWORD, STRANGER).status_code
    assert (status == 401) is locked


def test_each_lock_lasts_longer_than_the_one_before_up_to_the_cap(app, client, frozen):
    owner = create_user(Role.DOCTOR)
    db.session.commit()
    cap = app.config["LOGIN_LOCKOUT_MINUTES"]
    lengths = []
    for _ in range(6):
        fail(client, owner.username, app.config["LOGIN_MAX_FAILURES"])
        forget_uncommitted()
        pair = db.session.scalar(
            sa.select(LoginThrottle).where(
                LoginThrottle.username == owner.username, LoginThrottle.source == STRANGER
            )
        )
        lengths.append(round((pair.locked_until - datetime.now(UTC)).total_seconds() / 60))
        frozen.shift(pair.locked_until - datetime.now(UTC) + timedelta(seconds=1))
    assert lengths == [1, 2, 4, 8, min(16, cap), min(32, cap)]


def test_success_from_an_address_resets_that_address(app, client, frozen):
    owner = create_user(Role.DOCTOR)
    db.session.commit()
    maximum = app.config["LOGIN_MAX_FAILURES"]
    fail(client, owner.username, maximum - 1, OWNER)
    assert sign_in(client, owner.username, PASSWORD, OWNER).status_code == 201
    fail(client, owner.username, maximum - 1, OWNER)
    assert sign_in(client, owner.username, PASSWORD, OWNER).status_code == 201


def test_an_unknown_username_is_locked_with_the_same_answer(app, client, frozen):
    owner = create_user(Role.DOCTOR)
    db.session.commit()
    maximum = app.config["LOGIN_MAX_FAILURES"]
    fail(client, owner.username, maximum)
    fail(client, "nobody-here", maximum)

    known = api_error(sign_in(client, owner.username, "guess-2", STRANGER), 401)
    unknown = api_error(sign_in(client, "nobody-here", "guess-2", STRANGER), 401)

    assert known == unknown


def test_the_page_lock_message_does_not_tell_who_exists(app, client, frozen):
    owner = create_user(Role.DOCTOR)
    db.session.commit()
    maximum = app.config["LOGIN_MAX_FAILURES"]
    for name in (owner.username, "nobody-here"):
        for _ in range(maximum):
            page_sign_in(client, name, "wrong-guess-1", STRANGER)
    known = page_sign_in(client, owner.username, "guess-2", STRANGER)
    unknown = page_sign_in(client, "nobody-here", "guess-2", STRANGER)
    assert known.status_code == unknown.status_code == 401
    assert "分钟" in known.get_data(as_text=True)
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True).replace(
        "nobody-here", owner.username
    )


def test_wrong_password_and_unknown_user_read_the_same_on_the_page(app, client, frozen):
    owner = create_user(Role.DOCTOR)
    db.session.commit()
    wrong = page_sign_in(client, owner.username, "guess-2", STRANGER)
    unknown = page_sign_in(client, "nobody-here", "guess-2", STRANGER)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_data(as_text=True) == unknown.get_data(as_text=True).replace(
        "nobody-here", owner.username
    )


@pytest.mark.parametrize("name", ["known", "unknown"], ids=["known user", "unknown user"])
def test_a_guess_spread_over_many_addresses_is_still_slowed(app, client, frozen, name):
    owner = create_user(Role.DOCTOR)
    db.session.commit()
    username = owner.username if name == "known" else "nobody-here"
    per_source = app.config["LOGIN_MAX_FAILURES"] - 1
    total = app.config["LOGIN_USERNAME_MAX_FAILURES"]
    for index in range(0, total, per_source):
        fail(client, username, min(per_source, total - index), f"10.0.{index // 250}.{index % 250}")

    api_error(sign_in(client, username, PASSWORD, "192.0.2.1"), 401, "account_locked")
