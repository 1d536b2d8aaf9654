"""Finding 8 (registration): a stranger typing someone's ID number into the registration form must
not learn that this person is a patient here. The refusal is neutral: it neither names the ID
number nor says it is registered, and reads the same as for any other unusable details."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tcm_app.common.resident_id import build_resident_id
from tcm_app.extensions import db
from tcm_app.models.patients import Patient
from tcm_app.services.notify import SandboxSender

ADULT = build_resident_id("310101", date(1979, 9, 9), 12, "male")
NEUTRAL = "这些信息无法用于注册"


def coded_form(client, phone, **changes):
    """The registration form with a verification code read from the SMS sandbox."""
    sandbox = SandboxSender()
    client.application.config["SMS_SENDERS"] = [sandbox]
    assert client.post("/register/code", data={"phone": phone}).status_code == 200
    code = re.search(r"验证码是(\d{6})", sandbox.last_to(phone)).group(1)
    form = {
        "username": "zhangsan",
        "password": "Zs-2024-pass",
        "confirm": "Zs-2024-pass",
        "legal_name": "张三",
        "id_number": ADULT,
        "phone": phone,
        "accept_terms": "y",
        "consent_sensitive": "y",
        "code": code,
    }
    form.update(changes)
    return form


@pytest.fixture
def registered(app, client):
    response = client.post("/register", data=coded_form(client, "13700001111"))
    assert response.status_code == 302
    return ADULT


def test_a_known_id_number_is_refused_without_saying_it_is_registered(app, registered):
    stranger = app.test_client()
    form = coded_form(stranger, "13900002222", username="stranger1")

    response = stranger.post("/register", data=form)

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert NEUTRAL in page
    assert "已注册" not in page and "身份证号" not in page.split(NEUTRAL)[1][:80]
    assert db.session.scalar(sa.select(sa.func.count(Patient.id))) == 1


def test_the_refusal_is_kept_in_the_audit_log_without_the_id_number(app, registered):
    from tcm_app.models.audit import AuditEntry

    stranger = app.test_client()
    stranger.post("/register", data=coded_form(stranger, "13900002222", username="stranger1"))
    db.session.rollback()
    texts = [
        f"{entry.action} {entry.summary} {entry.details}"
        for entry in db.session.scalars(sa.select(AuditEntry))
    ]
    assert not any(ADULT in text for text in texts)


def test_a_taken_username_may_say_so(app, registered):
    """Usernames are chosen, not personal data: saying one is taken is acceptable."""
    other = app.test_client()
    other_id = build_resident_id("310101", date(1980, 1, 2), 34, "female")
    form = coded_form(other, "13900003333", id_number=other_id, legal_name="李四")
    response = other.post("/register", data=form)
    assert response.status_code == 409
    assert "用户名" in response.get_data(as_text=True)
