"""No silent 400 on the visit page: a form refused for a field the person cannot see (the hidden
version) or for an expired CSRF token comes back with the reason on top of it, the typed text kept
and the visit as it is now; a stale version says that someone else changed the visit."""

import pytest

from tcm_app.extensions import db
from tcm_app.services import encounters as encounter_service
from tests.factories import PASSWORD, create_doctor, create_encounter, login

CHANGED = "其他人刚刚修改了这次就诊。页面已显示最新内容，请核对后再提交。"
INCOMPLETE = "表单提交不完整。页面已显示本次就诊的最新内容，请重新提交。"
EXPIRED = "表单已过期。请核对表单内容后重新提交。"
NOTES = {"inspection_note": "舌淡红，苔薄白", "palpation_note": "脉浮缓"}


@pytest.fixture
def started(app):
    encounter = create_encounter()
    encounter_service.start_encounter(encounter, encounter.doctor)
    db.session.commit()
    return encounter


def form_errors(page: str) -> str:
    return page.split('class="form-errors"')[1].split("</div>")[0]


def test_a_missing_version_is_said_on_the_form(client, started):
    login(client, started.doctor)
    response = client.post(f"/encounters/{started.id}/notes", data=NOTES)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert INCOMPLETE in form_errors(page)
    assert "脉浮缓" in page  # what was typed is kept


def test_a_stale_version_says_someone_changed_the_visit_and_keeps_the_text(client, started):
    login(client, started.doctor)
    seen = started.version
    encounter_service.record_four_exam_notes(started, started.doctor, {"inquiry_note": "咳嗽"})
    db.session.commit()  # another tab saved meanwhile

    response = client.post(f"/encounters/{started.id}/notes", data={**NOTES, "version": seen})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert CHANGED in form_errors(page)
    assert "脉浮缓" in page
    current = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    assert int(current) == started.version != seen  # the next submit, after checking, goes through
    again = client.post(f"/encounters/{started.id}/notes", data={**NOTES, "version": current})
    assert again.status_code == 302


def sign_in_with_csrf(app, client, user) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302


def test_an_expired_csrf_token_shows_the_form_again(app, client, started):
    sign_in_with_csrf(app, client, started.doctor)
    data = {**NOTES, "version": started.version, "csrf_token": "expired-token"}
    response = client.post(f"/encounters/{started.id}/notes", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert EXPIRED in form_errors(page)
    assert "脉浮缓" in page
    assert 'name="csrf_token"' in page  # a fresh token to submit again


def test_an_expired_csrf_token_on_another_doctors_visit_shows_nothing_of_it(app, client, started):
    other = create_doctor(username="other-doctor")
    sign_in_with_csrf(app, client, other)
    data = {**NOTES, "version": started.version, "csrf_token": "expired-token"}
    response = client.post(f"/encounters/{started.id}/notes", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert started.patient.legal_name not in page and "脉浮缓" not in page
