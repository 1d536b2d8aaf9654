"""Family proxies (家人代办, issue 22): an elder names a family member's patient account, with
consent, and may revoke it; while it stands the family member acts for the elder on every page
the core's access rules guard (own_patient_ids), and after revocation no longer."""

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tcm_app.common.errors import NotFoundError, ValidationError
from tcm_app.common.family_proxy import ProxyError, ProxyRequest, check_consent
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.models.patients import FamilyProxy
from tcm_app.services import access, family_proxies
from tcm_app.services.clock import clinic_today
from tests.factories import bearer, create_patient, login, signed_prescription

# ---- the rules, without the database -------------------------------------------------------

FINE = dict(
    elder_id=1, elder_age=78, proxy_id=2, proxy_age=50, already_consented=False, declared=True
)
RULES = [
    ({}, None, "an adult naming another adult who declared is accepted"),
    ({"elder_age": 17}, "proxy_minor_elder", "a minor names no one: the guardian acts for them"),
    ({"proxy_id": None, "proxy_age": None}, "proxy_unknown", "an unknown account is refused"),
    ({"proxy_id": 1}, "proxy_self", "naming oneself is refused"),
    ({"proxy_age": 17}, "proxy_minor", "a child cannot act for an elder"),
    ({"already_consented": True}, "proxy_duplicate", "a second live consent is refused"),
    ({"declared": False}, "proxy_not_declared", "no consent without the declaration"),
    (
        {"elder_age": 16, "proxy_id": None},
        "proxy_minor_elder",
        "the minor's refusal comes before the unknown account",
    ),
]


@pytest.mark.pure
@pytest.mark.parametrize(
    "change, refused", [(c, r) for c, r, _ in RULES], ids=[why for *_, why in RULES]
)
def test_the_consent_rules(change, refused):
    request = ProxyRequest(**{**FINE, **change})
    if refused is None:
        check_consent(request)
        return
    with pytest.raises(ProxyError) as caught:
        check_consent(request)
    assert caught.value.code == refused
    assert caught.value.field == ("declaration" if refused == "proxy_not_declared" else "username")


# ---- the service -----------------------------------------------------------------------------


def years_ago(years: int) -> date:
    return clinic_today() - timedelta(days=years * 366)


@pytest.fixture
def family(app):
    elder = create_patient(birth=years_ago(78), name="李奶奶")
    son = create_patient(birth=years_ago(50), sex="male", name="李建国")
    son.user.username = "jianguo"
    db.session.commit()
    return elder, son


def grant(elder, username="jianguo", name="李建国", declared=True):
    return family_proxies.grant(elder, username, name, "family_child", declared, elder.user)


def test_a_consent_is_recorded_and_audited_and_the_son_acts_for_the_elder(family):
    elder, son = family
    consent = grant(elder, username="JianGuo ")  # as typed on a phone: case and a space
    db.session.commit()
    assert (consent.proxy_id, consent.relation, consent.granted_by_id) == (
        son.id,
        "family_child",
        elder.user.id,
    )
    assert consent.granted_at is not None and consent.revoked_at is None
    assert access.own_patient_ids(son.user) == [son.id, elder.id]
    assert access.own_patient_ids(elder.user) == [elder.id]  # consent goes one way
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "proxy.grant"))
    assert entry.actor_id == elder.user.id
    assert json.loads(entry.details)["proxy_id"] == son.id


@pytest.mark.parametrize(
    "username, name, code",
    [
        ("nobody", "李建国", "proxy_unknown"),
        ("jianguo", "王建国", "proxy_unknown"),
    ],
    ids=["an unknown username", "a username whose real name does not match"],
)
def test_an_account_must_match_username_and_real_name(family, username, name, code):
    elder, _son = family
    with pytest.raises(ValidationError) as caught:
        grant(elder, username, name)
    assert caught.value.fields == {"username": [code]}


def test_revoking_ends_the_acting_at_once_and_is_audited(family):
    elder, son = family
    consent = grant(elder)
    db.session.commit()
    family_proxies.revoke(elder, consent.id, elder.user)
    db.session.commit()
    assert access.own_patient_ids(son.user) == [son.id]
    assert consent.revoked_at is not None and consent.revoked_by_id == elder.user.id
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "proxy.revoke"))
    again = grant(elder)  # a new consent after a revoked one
    db.session.commit()
    assert again.id != consent.id


def test_only_the_elder_revokes_their_own_standing_consent(family):
    elder, son = family
    consent = grant(elder)
    db.session.commit()
    with pytest.raises(NotFoundError):
        family_proxies.revoke(son, consent.id, son.user)  # the son cannot revoke it
    family_proxies.revoke(elder, consent.id, elder.user)
    with pytest.raises(NotFoundError):
        family_proxies.revoke(elder, consent.id, elder.user)  # nor twice


def test_guard_the_database_refuses_a_second_live_consent_for_a_pair(family):
    elder, son = family
    grant(elder)
    db.session.add(
        FamilyProxy(
            elder_id=elder.id, proxy_id=son.id, relation="family_child", granted_by_id=elder.user.id
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_consents_are_never_deleted(family):
    elder, _son = family
    grant(elder)
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("DELETE FROM family_proxies"))
        db.session.flush()
    db.session.rollback()


# ---- the pages ---------------------------------------------------------------------------


def post_grant(client, **changes):
    data = {
        "username": "jianguo",
        "legal_name": "李建国",
        "relation": "family_child",
        "declaration": "y",
        **changes,
    }
    return client.post("/me/family-proxies", data=data)


BAD_INPUT = [
    ({"username": "nobody"}, "没有找到这个用户名和姓名的账户", "an unknown account"),
    ({"username": "elder-self", "legal_name": "李奶奶"}, "这是您自己的账户", "oneself"),
    ({"declaration": ""}, "请勾选方框表示同意", "no declaration"),
    ({"username": "", "legal_name": ""}, "必填", "empty fields"),
]


@pytest.mark.parametrize(
    "changes, message", [(c, m) for c, m, _ in BAD_INPUT], ids=[why for *_, why in BAD_INPUT]
)
def test_bad_input_is_shown_in_chinese_beside_the_field_and_nothing_is_written(
    family, client, changes, message
):
    elder, _son = family
    elder.user.username = "elder-self"
    db.session.commit()
    login(client, elder.user)
    response = post_grant(client, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page.split('class="field-error"')[1].split("</ul>")[0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FamilyProxy)) == 0


def test_a_duplicate_is_refused_on_the_page(family, client):
    elder, _son = family
    login(client, elder.user)
    assert post_grant(client).status_code == 302
    response = post_grant(client)
    assert response.status_code == 422
    assert "这位家人已经可以替您办事了" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FamilyProxy)) == 1


def test_a_minor_naming_an_adult_is_refused_on_the_page(family, client):
    _elder, _son = family
    teenager = create_patient(birth=years_ago(16), name="李小妹")
    db.session.commit()
    login(client, teenager.user)
    response = post_grant(client)
    assert response.status_code == 422
    assert "您还不满18岁" in response.get_data(as_text=True)


def test_the_son_opens_the_elders_prescription_until_the_elder_revokes(app, family, client):
    elder, son = family
    prescription = signed_prescription(patient=elder)
    db.session.commit()
    path = f"/herbs/prescriptions/{prescription.id}"
    login(client, son.user)
    assert client.get(path).status_code == 404  # no consent yet
    client.post("/logout")
    login(client, elder.user)
    assert post_grant(client).status_code == 302
    consent_id = db.session.scalar(sa.select(FamilyProxy.id))
    client.post("/logout")
    login(client, son.user)
    assert client.get(path).status_code == 200
    home = client.get("/me").get_data(as_text=True)
    assert "李奶奶" in home.split('id="family-title"')[1]  # among the people the son acts for
    client.post("/logout")
    login(client, elder.user)
    page = client.get("/me/family-proxies").get_data(as_text=True)
    assert "李建国" in page and "子女" in page
    revoke = client.post(f"/me/family-proxies/{consent_id}/revoke")
    assert revoke.status_code == 302
    client.post("/logout")
    login(client, son.user)
    assert client.get(path).status_code in (403, 404)
    assert "李奶奶" not in client.get("/me").get_data(as_text=True)


def test_the_api_lists_the_elder_among_the_patients_the_son_acts_for(family, client):
    elder, son = family
    grant(elder)
    db.session.commit()
    me = client.get("/api/v1/me", headers=bearer(son.user)).get_json()
    assert [p["id"] for p in me["patients"]] == [son.id, elder.id]
