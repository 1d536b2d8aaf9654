"""A bearer token resolved a moment ago is answered without a lookup for one second (the herb
search asks per keystroke); a change made through this process is seen at once, one made
elsewhere within the second; an unknown token is looked up every time. Each request here runs in
a fresh session, as requests do in production."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tcm_app.extensions import db
from tcm_app.models.accounts import ApiToken, Role, User
from tcm_app.services import token_cache
from tests.api.helpers import API, api_error, issue
from tests.factories import create_user

ME_URL = f"{API}/me"
NOON = datetime(2026, 12, 2, 12, 0, 0)


@pytest.fixture
def token_lookups(app):
    found = []

    def count(conn, cursor, statement, *args):
        if "FROM api_tokens" in statement:
            found.append("token looked up")
        elif "FROM users" in statement:
            found.append("user read")
        elif statement.startswith("UPDATE api_tokens"):
            found.append("use recorded")

    sa.event.listen(db.engine, "before_cursor_execute", count)
    token_cache.forget_all()
    yield found
    sa.event.remove(db.engine, "before_cursor_execute", count)
    token_cache.forget_all()


def fresh_request(client, headers):
    db.session.remove()  # each request its own session, as in production
    response = client.get(ME_URL, headers=headers)
    db.session.remove()
    return response


def test_within_a_second_the_same_token_is_answered_without_a_lookup(client, token_lookups):
    headers, _ = issue(create_user(Role.PATIENT))
    with time_machine.travel(NOON, tick=False) as clock:
        assert fresh_request(client, headers).status_code == 200
        assert fresh_request(client, headers).status_code == 200
        assert fresh_request(client, headers).status_code == 200
        # One lookup (its user with it); the first use recorded once (the copy kept takes the
        # time written), after which that request reads its user again (the commit expired it);
        # the recalled token's user comes without a statement.
        assert token_lookups == ["token looked up", "use recorded", "user read"]
        clock.shift(timedelta(seconds=1))
        assert fresh_request(client, headers).status_code == 200
    assert token_lookups[3:] == ["token looked up"]


def test_a_token_revoked_through_this_process_is_refused_at_once(client, token_lookups):
    headers, _ = issue(create_user(Role.PATIENT))
    with time_machine.travel(NOON, tick=False):
        assert fresh_request(client, headers).status_code == 200
        db.session.remove()
        assert client.delete(f"{API}/auth/token", headers=headers).status_code in (200, 204)
        api_error(fresh_request(client, headers), 401, "unauthenticated")


def test_a_user_deactivated_through_this_process_is_refused_at_once(client, token_lookups):
    user = create_user(Role.PATIENT)
    headers, _ = issue(user)
    user_id = user.id
    with time_machine.travel(NOON, tick=False):
        assert fresh_request(client, headers).status_code == 200
        db.session.get(User, user_id).active = False
        db.session.commit()
        api_error(fresh_request(client, headers), 401, "unauthenticated")


def test_a_token_revoked_by_another_process_is_refused_once_its_second_has_passed(
    client, token_lookups
):
    headers, token = issue(create_user(Role.PATIENT))
    token_id = token.id
    with time_machine.travel(NOON, tick=False) as clock:
        assert fresh_request(client, headers).status_code == 200
        # Another node revokes it: a plain UPDATE this process's sessions never see.
        db.session.execute(
            sa.update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(revoked_at=NOON.replace(tzinfo=UTC))
        )
        db.session.commit()
        assert fresh_request(client, headers).status_code == 200  # within the second
        clock.shift(timedelta(seconds=1))
        api_error(fresh_request(client, headers), 401, "unauthenticated")


def test_an_unknown_token_is_looked_up_every_time(client, token_lookups):
    headers = {"Authorization": "Bearer not-a-token-anyone-was-given"}
    with time_machine.travel(NOON, tick=False):
        for _ in range(3):
            api_error(fresh_request(client, headers), 401, "unauthenticated")
    assert token_lookups == ["token looked up"] * 3
