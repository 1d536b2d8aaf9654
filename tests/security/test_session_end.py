"""Finding 2: signing out ends the session on the server, not only in this browser. A copy of the
cookie taken before sign-out no longer reads or writes anything."""

from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tests.api.helpers import audit_entries
from tests.factories import create_user, login

COOKIE = "tcm_session"


def copied_cookie(client) -> str:
    return client.get_cookie(COOKIE).value


def replay(app, cookie: str):
    """Another browser holding the copied cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie)
    return other


def test_a_cookie_copied_before_sign_out_no_longer_opens_a_page(app, client):
    clerk = create_user(Role.CLINIC)
    login(client, clerk)
    cookie = copied_cookie(client)
    assert replay(app, cookie).get("/desk").status_code == 200

    assert client.post("/logout").status_code == 302

    response = replay(app, cookie).get("/desk")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_copied_before_sign_out_no_longer_writes(app, client):
    clerk = create_user(Role.CLINIC)
    login(client, clerk)
    thief = replay(app, copied_cookie(client))
    client.post("/logout")

    # Signing out is itself a write (its audit entry): the copy is refused before it runs.
    thief.post("/logout")

    assert len(audit_entries("auth.logout", clerk.id)) == 1
    response = thief.get("/desk")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_out_rotates_the_session_token_and_clears_the_session(app, client):
    clerk = create_user(Role.CLINIC)
    before = clerk.session_token
    login(client, clerk)
    client.post("/logout")
    assert db.session.get(User, clerk.id).session_token != before
    assert client.get("/desk").status_code == 302
