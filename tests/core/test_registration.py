"""Registration: a phone code through the SMS sender (hashed, expiring, limited tries, sending
rate-limited), the user agreement and the separate consent to processing health information
(《个人信息保护法》 第二十九条), recorded with their version and time; nothing half-written."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.registration import Consent, PhoneCode
from tcm_app.services import legal
from tcm_app.services.notify import SandboxSender
from tests.core.test_auth_pages import registration

PHONE = "13700001111"


@pytest.fixture
def sms(app):
    sandbox = SandboxSender()
    app.config["SMS_SENDERS"] = [sandbox]
    return sandbox


def ask_code(client, sms, phone=PHONE) -> str:
    response = client.post("/register/code", data={"phone": phone})
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.search(r"验证码是(\d{6})", sms.last_to(phone)).group(1)


def users() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_the_code_is_sent_by_sms_and_only_its_digest_is_kept(app, client, sms):
    code = ask_code(client, sms)
    row = db.session.scalar(sa.select(PhoneCode))
    assert code not in row.code_digest and PHONE not in row.phone_digest
    assert row.expires_at - row.created_at == timedelta(minutes=5)


def test_without_an_sms_gateway_the_code_reaches_the_server_log(app, client, caplog):
    """`make run` has no gateway: whoever tries registration reads the code in the server log."""
    app.config["SMS_SENDERS"] = []
    client.post("/register/code", data={"phone": PHONE})
    logged = [r.getMessage() for r in caplog.records if "验证码是" in r.getMessage()]
    assert len(logged) == 1 and "phone 137****1111" in logged[0]


def test_registration_records_both_consents_with_version_and_time(app, client, sms):
    code = ask_code(client, sms)
    response = client.post("/register", data=registration(code=code))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    consents = db.session.scalars(sa.select(Consent).order_by(Consent.document)).all()
    assert [(c.document, c.version) for c in consents] == [
        ("sensitive_data", 1),
        ("user_agreement", 1),
    ]
    assert consents[0].text_sha256 == legal.current("sensitive_data").sha256
    assert consents[0].accepted_at is not None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"code": "000000"}, "验证码不正确", id="wrong-code"),
        pytest.param({"code": "12ab"}, "6位数字", id="malformed-code"),
        pytest.param({"accept_terms": ""}, "请同意用户协议", id="agreement-not-ticked"),
        pytest.param({"consent_sensitive": ""}, "单独同意", id="health-consent-not-ticked"),
        pytest.param({"phone": "13900002222"}, "请先获取验证码", id="code-for-another-phone"),
    ],
)
def test_refusals_are_shown_at_the_field_and_nothing_is_written(app, client, sms, changes, message):
    code = ask_code(client, sms)
    data = {**registration(code=code), **changes}
    if data["code"] == code and "code" in changes:  # the wrong code drawn by chance
        data["code"] = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post("/register", data=data)
    assert 400 <= response.status_code < 500
    page = response.get_data(as_text=True)
    assert message in page.split('class="field-error"', 1)[1].split("</ul>", 1)[0]
    assert users() == 0 and db.session.scalar(sa.select(sa.func.count(Consent.id))) == 0


def test_an_expired_code_is_refused(app, client, sms):
    code = ask_code(client, sms)
    with time_machine.travel(db.session.scalar(sa.select(PhoneCode)).expires_at, tick=False):
        response = client.post("/register", data=registration(code=code))
    assert response.status_code == 422 and "已过期" in response.get_data(as_text=True)
    assert users() == 0


def test_five_wrong_codes_lock_the_code_even_for_the_right_one(app, client, sms):
    code = ask_code(client, sms)
    wrong = "000001" if code == "000000" else "000000"
    for _ in range(5):
        client.post("/register", data=registration(code=wrong))
    response = client.post("/register", data=registration(code=code))
    assert "错误次数过多" in response.get_data(as_text=True) and users() == 0


def test_a_code_works_once_and_a_new_one_replaces_the_old(app, client, sms):
    first = ask_code(client, sms)
    second = ask_code(client, sms)
    if first != second:
        response = client.post("/register", data=registration(code=first))
        assert response.status_code == 422 and users() == 0
    assert client.post("/register", data=registration(code=second)).status_code == 302
    other = app.test_client()
    again = other.post("/register", data=registration(code=second, username="lisi"))
    assert again.status_code == 422 and users() == 1


@pytest.fixture
def config_overrides():
    return {
        "RATELIMIT_ENABLED": True,
        "PHONE_CODE_LIMIT_PER_PHONE": "2 per minute",
        "PHONE_CODE_LIMIT_PER_IP": "3 per minute",
    }


def test_sending_is_rate_limited_per_phone_and_per_ip(app, client, sms):
    phones = ["13700002001", "13700002001", "13700002001", "13700002002", "13700002003"]
    statuses = [client.post("/register/code", data={"phone": p}).status_code for p in phones]
    assert statuses == [200, 200, 429, 200, 429]
    refused = client.post("/register/code", data={"phone": "13700002004"})
    assert "过于频繁" in refused.get_data(as_text=True)
    assert len(sms.sent) == 3


def test_the_documents_are_shown_by_version(app, client):
    page = client.get("/legal/sensitive_data/v1").get_data(as_text=True)
    assert "第二十九条" in page and "单独同意" in page
    assert client.get("/legal/sensitive_data/v9").status_code == 404
    assert client.get("/legal/..%2Fconfig/v1").status_code == 404
    register = client.get("/register").get_data(as_text=True)
    assert "/legal/user_agreement/v1" not in register  # first step: the phone number only
