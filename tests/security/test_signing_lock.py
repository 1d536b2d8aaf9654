"""Finding 3: the electronic signature locks after SIGNING_MAX_FAILURES wrong signing passwords in a
row. Each wrong try and the lock are audited and kept although the signing is refused; a right
password resets the count; while locked even the right password is refused (API: 423
`signing_locked`; page: until when, in clinic time, and that an administrator can unlock it).
The lock ends with its time or when an administrator unlocks it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from herbs.models import Prescription
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tests.api.helpers import API, api_error, audit_entries, forget_uncommitted
from tests.factories import (
    SIGNING_PASSWORD,
    bearer,
    create_pharmacist,
    create_prescribable_encounter,
    create_user,
    login,
)

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 at the clinic
WRONG = "Not-my-signature-1"
LINES = [{"name": "党参", "dose_g": 15}, {"name": "白术", "dose_g": 9}]


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def draft(app, client):
    """A saved draft of the encounter's doctor, and the doctor's API headers."""
    encounter = create_prescribable_encounter()
    headers = bearer(encounter.doctor)
    rx = client.post(f"{API}/encounters/{encounter.id}/prescriptions", headers=headers).get_json()
    body = {"lines": LINES, "packets": 7, "usage": "每日1剂，水煎400ml，分早晚两次温服"}
    assert client.put(f"{API}/prescriptions/{rx['id']}", json=body, headers=headers).status_code
    return rx, headers, encounter.doctor


def sign(client, rx, headers, password):
    body = {"signing_password": password, "reasons": {}}
    return client.post(f"{API}/prescriptions/{rx['id']}/sign", json=body, headers=headers)


def review(client, rx, headers, password):
    body = {"decision": "approve", "note": "", "signing_password": password}
    return client.post(f"{API}/prescriptions/{rx['id']}/review", json=body, headers=headers)


def fresh(user) -> User:
    forget_uncommitted()
    return db.session.get(User, user.id)


def lock_by_wrong_tries(app, client, rx, headers, act=sign):
    maximum = app.config["SIGNING_MAX_FAILURES"]
    for _ in range(maximum - 1):
        api_error(act(client, rx, headers, WRONG), 403, "bad_signature")
    return act(client, rx, headers, WRONG)


def test_the_last_allowed_wrong_try_locks_signing(app, client, frozen, draft):
    rx, headers, doctor = draft
    error = api_error(lock_by_wrong_tries(app, client, rx, headers), 423, "signing_locked")
    assert "2026-03-02" in error["message"]
    doctor = fresh(doctor)
    assert doctor.signing_locked_until == START + timedelta(
        minutes=app.config["SIGNING_LOCKOUT_MINUTES"]
    )
    assert len(audit_entries("signing.failed", doctor.id)) == app.config["SIGNING_MAX_FAILURES"]
    assert len(audit_entries("signing.locked", doctor.id)) == 1


def test_while_locked_even_the_right_password_is_refused(app, client, frozen, draft):
    rx, headers, _ = draft
    lock_by_wrong_tries(app, client, rx, headers)
    api_error(sign(client, rx, headers, SIGNING_PASSWORD), 423, "signing_locked")
    forget_uncommitted()
    assert db.session.get(Prescription, rx["id"]).status == "draft"


def test_a_right_password_resets_the_count(app, client, frozen, draft):
    rx, headers, doctor = draft
    for _ in range(app.config["SIGNING_MAX_FAILURES"] - 1):
        api_error(sign(client, rx, headers, WRONG), 403, "bad_signature")
    assert fresh(doctor).signing_failed_count == app.config["SIGNING_MAX_FAILURES"] - 1
    assert sign(client, rx, headers, SIGNING_PASSWORD).status_code == 200
    assert fresh(doctor).signing_failed_count == 0


@pytest.mark.parametrize(
    ("minutes_later", "signs"),
    [
        pytest.param(29, False, id="still locked a minute before its end"),
        pytest.param(31, True, id="unlocked by time after its end"),
    ],
)
def test_the_lock_ends_with_its_time(app, client, frozen, draft, minutes_later, signs):
    rx, headers, _ = draft
    lock_by_wrong_tries(app, client, rx, headers)
    frozen.shift(timedelta(minutes=minutes_later))
    assert (sign(client, rx, headers, SIGNING_PASSWORD).status_code == 200) is signs


def test_a_pharmacist_reviewing_is_locked_the_same_way(app, client, frozen, draft):
    rx, headers, _ = draft
    assert sign(client, rx, headers, SIGNING_PASSWORD).status_code == 200
    pharmacist = create_pharmacist()
    pharmacist_headers = bearer(pharmacist)
    response = lock_by_wrong_tries(app, client, rx, pharmacist_headers, act=review)
    api_error(response, 423, "signing_locked")
    api_error(review(client, rx, pharmacist_headers, SIGNING_PASSWORD), 423, "signing_locked")


def test_an_administrator_unlocks_signing_and_it_is_audited(app, client, frozen, draft):
    rx, headers, doctor = draft
    lock_by_wrong_tries(app, client, rx, headers)
    admin = create_user(Role.ADMIN)
    login(client, admin)

    response = client.post(f"/admin/users/{doctor.id}/signing-unlock")

    assert response.status_code == 302
    doctor = fresh(doctor)
    assert doctor.signing_locked_until is None and doctor.signing_failed_count == 0
    unlocked = audit_entries("signing.unlocked", doctor.id)
    assert [entry.actor_id for entry in unlocked] == [admin.id]
    assert sign(client, rx, headers, SIGNING_PASSWORD).status_code == 200


def test_only_an_administrator_unlocks_signing(app, client, frozen, draft):
    rx, headers, doctor = draft
    lock_by_wrong_tries(app, client, rx, headers)
    login(client, doctor)
    assert client.post(f"/admin/users/{doctor.id}/signing-unlock").status_code == 403
    assert fresh(doctor).signing_locked_until is not None


def test_the_sign_page_says_until_when_and_who_can_unlock(app, client, frozen, draft):
    rx, _, doctor = draft
    login(client, doctor)
    url = f"/herbs/prescriptions/{rx['id']}/sign"
    for _ in range(app.config["SIGNING_MAX_FAILURES"]):
        response = client.post(url, data={"signing_password": WRONG, "version": rx["version"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "10:30" in page  # 02:30 UTC, shown in clinic time
    assert "管理员" in page
    assert fresh(doctor).signing_locked_until is not None
