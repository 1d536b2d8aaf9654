"""POST /consults/<id>/room-token: the call page renews its room token through the signed-in session
(cookie + X-CSRFToken) before every reconnect. Participants get a fresh socket URL that is not
cached; the CSRF token is required; outsiders, other roles and an ended call are refused as JSON;
a token lives CONSULT_ROOM_TOKEN_SECONDS."""

import re
import time
from urllib.parse import urlsplit

import pytest

from consults.services import calls
from tcm_app.extensions import db
from tests.consults.test_signaling import close, receive
from tests.consults.test_signaling_lifecycle import closed
from tests.factories import PASSWORD, create_patient, create_pharmacist

JSON = {"Accept": "application/json"}
TOKEN_SECONDS = 2


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True, "CONSULT_ROOM_TOKEN_SECONDS": TOKEN_SECONDS}


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in(client, user) -> str:
    """A real sign-in through the login form; returns the session's CSRF token for fetch()."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    signed_in = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    home = signed_in
    while home.status_code == 302:  # by hand: follow_redirects would leave the app context
        home = client.get(home.headers["Location"])
    return csrf_token(home.get_data(as_text=True))


def renew(client, encounter_id, csrf=None):
    headers = {**JSON, **({"X-CSRFToken": csrf} if csrf else {})}
    return client.post(f"/consults/{encounter_id}/room-token", headers=headers)


def open_socket(live_host, ws_url: str):
    """The socket URL the endpoint gave, on the live server (the test client's host is virtual)."""
    import simple_websocket

    parts = urlsplit(ws_url)
    assert parts.scheme == "ws"
    return simple_websocket.Client.connect(f"ws://{live_host}{parts.path}?{parts.query}")


def test_a_participant_gets_a_fresh_uncached_socket_url_that_opens(client, consult, live_host):
    csrf = sign_in(client, consult.patient.user)
    response = renew(client, consult.id, csrf)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["expires_in"] == TOKEN_SECONDS
    assert f"/consults/{consult.id}/ws?token=" in body["ws_url"]
    db.session.remove()
    ws = open_socket(live_host, body["ws_url"])
    assert receive(ws, "welcome")["you"]["role"] == "patient"
    close(ws)


def test_the_doctor_gets_one_too(client, consult):
    csrf = sign_in(client, consult.doctor)
    assert renew(client, consult.id, csrf).status_code == 200


def test_without_the_csrf_token_it_is_refused_as_json(client, consult):
    sign_in(client, consult.patient.user)
    response = renew(client, consult.id)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"


def test_with_a_wrong_csrf_token_it_is_refused_as_json(client, consult):
    sign_in(client, consult.patient.user)
    response = renew(client, consult.id, "not-the-session-token")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"


def test_a_patient_outside_the_consult_gets_404(client, consult):
    outsider = create_patient(name="路人").user
    db.session.commit()
    response = renew(client, consult.id, sign_in(client, outsider))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_after_the_doctor_ended_the_call_the_patient_gets_409_call_ended(client, consult):
    calls.end_call(consult, consult.doctor)
    db.session.commit()
    response = renew(client, consult.id, sign_in(client, consult.patient.user))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "call_ended"
    assert "ws_url" not in response.get_json()


def test_a_pharmacist_gets_403(client, consult):
    pharmacist = create_pharmacist()
    db.session.commit()
    response = renew(client, consult.id, sign_in(client, pharmacist))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_signed_out_it_is_refused_before_any_token_is_made(client, consult):
    """No session, so no CSRF token either: the CSRF check refuses first (400, not 401)."""
    response = renew(client, consult.id)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"


def test_an_expired_token_is_refused_and_a_renewed_one_opens(client, consult, live_host):
    csrf, encounter_id = sign_in(client, consult.patient.user), consult.id
    stale = renew(client, encounter_id, csrf).get_json()["ws_url"]
    db.session.remove()
    time.sleep(TOKEN_SECONDS + 1)
    code, reason, frames = closed(open_socket(live_host, stale))
    assert frames[0]["code"] == "forbidden" and (code, reason) == (4001, "refused")
    fresh = renew(client, encounter_id, csrf).get_json()["ws_url"]
    db.session.remove()
    ws = open_socket(live_host, fresh)
    assert receive(ws, "welcome")["you"]["role"] == "patient"
    close(ws)
