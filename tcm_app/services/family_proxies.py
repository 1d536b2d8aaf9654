"""Family proxies (家人代办): an elder names a family member's patient account to act for them,
with their consent, and may revoke it at any time; both are audited. While a consent stands,
access.own_patient_ids(family member) includes the elder, so every page and API guarded by the
core's access rules lets the family member act for the elder."""

from sqlalchemy import func, select

from tcm_app.common.errors import NotFoundError
from tcm_app.common.family_proxy import ProxyError, ProxyRequest, check_consent
from tcm_app.common.resident_id import age_on
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.patients import FamilyProxy, FamilyRelation, Patient
from tcm_app.models.types import utcnow
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today


def find_family_account(username: str, legal_name: str) -> Patient | None:
    """The active patient account with this username whose real name is `legal_name`. Both must
    match: a mistyped username must not hand an elder's records to a stranger."""
    username = (username or "").strip()
    legal_name = (legal_name or "").strip()
    if not username or not legal_name:
        return None
    return db.session.scalar(
        select(Patient)
        .join(User, User.id == Patient.user_id)
        .where(
            func.lower(User.username) == username.lower(),
            User.role == Role.PATIENT,
            User.active.is_(True),
            Patient.legal_name == legal_name,
        )
    )


def live_consent(elder: Patient, proxy: Patient) -> FamilyProxy | None:
    return db.session.scalar(
        select(FamilyProxy).where(
            FamilyProxy.elder_id == elder.id,
            FamilyProxy.proxy_id == proxy.id,
            FamilyProxy.revoked_at.is_(None),
        )
    )


def grant(
    elder: Patient, username: str, legal_name: str, relation: str, declared: bool, actor: User
) -> FamilyProxy:
    """The elder (signed in as `actor`) consents that the named family member act for them."""
    proxy = find_family_account(username, legal_name)
    today = clinic_today()
    request = ProxyRequest(
        elder_id=elder.id,
        elder_age=age_on(elder.birth_date, today),
        proxy_id=proxy.id if proxy else None,
        proxy_age=age_on(proxy.birth_date, today) if proxy else None,
        already_consented=proxy is not None and live_consent(elder, proxy) is not None,
        declared=bool(declared),
    )
    try:
        check_consent(request)
    except ProxyError as exc:  # shown beside the field it names
        raise exc.refusal(fields={exc.field: [exc.code]}) from exc
    assert proxy is not None  # check_consent refuses an unknown account
    consent = FamilyProxy(
        elder_id=elder.id,
        proxy_id=proxy.id,
        relation=FamilyRelation(relation).value,
        granted_at=utcnow(),
        granted_by_id=actor.id,
    )
    db.session.add(consent)
    db.session.flush()
    record_audit(
        "proxy.grant",
        "patient",
        elder.id,
        f"patient {elder.id} consented that patient {proxy.id} act for them ({consent.relation})",
        {"proxy_id": proxy.id, "relation": consent.relation, "consent_id": consent.id},
        actor=actor,
    )
    return consent


def revoke(elder: Patient, consent_id: int, actor: User) -> FamilyProxy:
    """The elder withdraws a consent; from the next request on, the family member no longer acts
    for them. A consent of someone else, or one revoked already, is not found."""
    consent = db.session.get(FamilyProxy, consent_id)
    if consent is None or consent.elder_id != elder.id or consent.revoked_at is not None:
        raise NotFoundError("no such consent", "proxy_not_found")
    consent.revoked_at = utcnow()
    consent.revoked_by_id = actor.id
    db.session.flush()
    record_audit(
        "proxy.revoke",
        "patient",
        elder.id,
        f"patient {elder.id} revoked the consent that patient {consent.proxy_id} act for them",
        {"proxy_id": consent.proxy_id, "consent_id": consent.id},
        actor=actor,
    )
    return consent


def consents_of(elder: Patient) -> list[FamilyProxy]:
    """The elder's consents, standing ones first, newest first."""
    return list(
        db.session.scalars(
            select(FamilyProxy)
            .where(FamilyProxy.elder_id == elder.id)
            .order_by(FamilyProxy.revoked_at.is_not(None), FamilyProxy.id.desc())
        )
    )


def acting_for(proxy: Patient) -> list[FamilyProxy]:
    """The standing consents under which `proxy` acts for an elder."""
    return list(
        db.session.scalars(
            select(FamilyProxy)
            .where(FamilyProxy.proxy_id == proxy.id, FamilyProxy.revoked_at.is_(None))
            .order_by(FamilyProxy.id)
        )
    )
