"""Payments behind one small provider interface, for whatever a patient pays for (herb orders,
online visit fees): start a payment, take the provider's signed callback once, refund.

A provider (`PaymentProvider`) does three things:
  - `checkout_url(payment)`: where to send the patient to pay (None: paid on the spot);
  - `read_notice(body, headers)`: check a callback's signature and read it as a `Notice`;
  - `refund(payment)`: give the money back and return the provider's refund reference.
`CounterProvider` ("builtin") records payment at the counter; `SandboxProvider` stands in for an
online gateway (its pages are in tcm_app/views/payments.py). A real gateway (WeChat Pay, Alipay)
implements the same three calls and is named in PROVIDERS and TCM_PAYMENT_PROVIDER.

What was paid for is a *purpose* ("order", "visit"): its domain registers what happens once paid
(`register_purpose`), so this module never names a domain. Callbacks are idempotent (a guarded
UPDATE created → paid), a wrong signature or amount is refused and audited."""

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from flask import current_app, url_for
from sqlalchemy import select

from tcm_app.common.errors import ConflictError, NotFoundError, TCMError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.payments import Payment, PaymentStatus
from tcm_app.services import transitions
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import utc_now

SIGNATURE_HEADER = "X-Sandbox-Signature"


class SignatureError(TCMError):
    """A callback whose signature does not match: not from our provider, or altered."""

    status = 400
    code = "bad_signature"


@dataclass(frozen=True)
class Notice:
    """What a provider's callback says about one payment."""

    reference: str  # ours (Payment.reference)
    amount: Decimal
    outcome: str  # "paid" | "cancelled"
    provider_reference: str


class PaymentProvider(Protocol):
    name: str

    def checkout_url(self, payment: Payment) -> str | None:
        """Where the patient confirms the payment; None when it is complete already."""

    def read_notice(self, body: bytes, headers: Mapping[str, str]) -> Notice:
        """The callback's content, once its signature is checked (SignatureError otherwise)."""

    def refund(self, payment: Payment) -> str:
        """Return `payment.amount` to the payer; the provider's refund reference."""


class CounterProvider:
    """Paid at the counter (cash, card terminal), recorded by staff: no redirect, no callback."""

    name = "builtin"

    def checkout_url(self, payment: Payment) -> str | None:
        return None

    def read_notice(self, body: bytes, headers: Mapping[str, str]) -> Notice:
        raise SignatureError("counter payments have no callbacks")

    def refund(self, payment: Payment) -> str:
        return f"{self.name}-refund-{secrets.token_hex(6)}"


class SandboxProvider:
    """A gateway stand-in served by this app (沙箱): its page lets the patient confirm or cancel,
    then it sends a callback signed with HMAC-SHA256 over the raw body (the secret is
    TCM_PAYMENT_NOTIFY_SECRET)."""

    name = "sandbox"

    def checkout_url(self, payment: Payment) -> str | None:
        return url_for("core.payment_sandbox", token=payment.reference, _external=True)

    @staticmethod
    def sign(body: bytes) -> str:
        secret = current_app.config["PAYMENT_NOTIFY_SECRET"].encode()
        return hmac.new(secret, body, hashlib.sha256).hexdigest()

    def notice_body(self, payment: Payment, outcome: str) -> bytes:
        """The callback the sandbox sends when the patient confirms or cancels."""
        notice = {
            "reference": payment.reference,
            "amount": str(payment.amount),
            "outcome": outcome,
            "transaction_id": f"sandbox-{secrets.token_hex(8)}",
        }
        return json.dumps(notice, sort_keys=True).encode()

    def read_notice(self, body: bytes, headers: Mapping[str, str]) -> Notice:
        given = headers.get(SIGNATURE_HEADER) or ""
        if not hmac.compare_digest(given.encode(), self.sign(body).encode()):
            raise SignatureError("the callback's signature does not match")
        try:
            data = json.loads(body)
            return Notice(
                str(data["reference"]),
                Decimal(str(data["amount"])),
                str(data["outcome"]),
                str(data["transaction_id"])[:64],
            )
        except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
            raise ValidationError("the callback is not a payment notice", "bad_notice") from exc

    def refund(self, payment: Payment) -> str:
        return f"sandbox-refund-{secrets.token_hex(8)}"


PROVIDERS: dict[str, PaymentProvider] = {"builtin": CounterProvider(), "sandbox": SandboxProvider()}


def provider(name: str | None = None) -> PaymentProvider:
    """The named provider, or the one patients pay through online (TCM_PAYMENT_PROVIDER)."""
    found = PROVIDERS.get(name or current_app.config["PAYMENT_PROVIDER"])
    if found is None:
        raise NotFoundError("no such payment provider", "unknown_provider")
    return found


@dataclass(frozen=True)
class Purpose:
    """What a payment is for: what happens once it is paid, and where the payer returns."""

    on_paid: Callable[[Payment], None]
    return_url: Callable[[Payment], str]


PURPOSES: dict[str, Purpose] = {}


def register_purpose(name: str, on_paid, return_url) -> None:
    PURPOSES[name] = Purpose(on_paid, return_url)


def new_reference(provider_name: str) -> str:
    return f"{provider_name}-{secrets.token_hex(10)}"


def for_subject(purpose: str, subject_id: int) -> Sequence[Payment]:
    """Every payment for one thing, oldest first."""
    return db.session.scalars(
        select(Payment)
        .where(Payment.purpose == purpose, Payment.subject_id == subject_id)
        .order_by(Payment.id)
    ).all()


def standing(purpose: str, subject_id: int) -> Payment | None:
    """The payment that counts: paid, or refunded (the last one)."""
    done = [p for p in for_subject(purpose, subject_id) if p.status != PaymentStatus.CREATED]
    settled = [p for p in done if p.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED)]
    return settled[-1] if settled else None


def by_reference(reference: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.reference == reference))


def start(purpose: str, subject_id: int, patient_id: int, amount: Decimal, actor) -> Payment:
    """A new payment at the online provider, waiting for the patient to confirm it there."""
    if standing(purpose, subject_id) is not None:
        raise ConflictError("this is paid already", "already_paid")
    chosen = provider()
    payment = Payment(
        purpose=purpose,
        subject_id=subject_id,
        patient_id=patient_id,
        amount=amount,
        provider=chosen.name,
        reference=new_reference(chosen.name),
        status=PaymentStatus.CREATED,
        started_by_id=actor.id if actor else None,
    )
    db.session.add(payment)
    db.session.flush()
    record_audit("payment.start", "payment", payment.id, f"{purpose} {subject_id} ¥{amount}")
    return payment


def record_counter_payment(
    purpose: str, subject_id: int, patient_id: int, amount: Decimal, actor, reference: str
) -> Payment:
    """Staff record a payment taken at the counter (收费处): paid at once."""
    now = utc_now()
    payment = Payment(
        purpose=purpose,
        subject_id=subject_id,
        patient_id=patient_id,
        amount=amount,
        provider=CounterProvider.name,
        reference=reference,
        status=PaymentStatus.PAID,
        started_by_id=actor.id,
        paid_at=now,
    )
    db.session.add(payment)
    db.session.flush()
    record_audit("payment.counter", "payment", payment.id, f"{purpose} {subject_id} ¥{amount}")
    return payment


def receive_notice(provider_name: str, body: bytes, headers: Mapping[str, str]) -> Payment:
    """A provider's callback: checked, then applied once. Refusals are audited by the caller's
    answer path (`TCMError.audited`)."""
    chosen = provider(provider_name)
    try:
        notice = chosen.read_notice(body, headers)
    except TCMError as exc:
        raise exc.audited("payment.notify", "payment_provider", chosen.name) from None
    payment = by_reference(notice.reference)
    if payment is None or payment.provider != chosen.name:
        raise NotFoundError("no such payment", "unknown_payment").audited(
            "payment.notify", "payment_provider", chosen.name
        )
    if notice.amount != payment.amount:
        raise ValidationError(
            f"the callback's amount ¥{notice.amount} is not the payment's ¥{payment.amount}",
            "amount_mismatch",
        ).audited("payment.notify", "payment", payment.id)
    if notice.outcome == "cancelled":
        _close(payment)
    elif notice.outcome == "paid":
        _settle(payment, notice.provider_reference)
    else:
        raise ValidationError("unknown outcome", "bad_notice")
    return payment


def _transition(payment: Payment, expected: str, **values) -> bool:
    """Guarded UPDATE: only from `expected`, so a repeated callback changes nothing."""
    return transitions.move(payment, expected=expected, values=values)


def _close(payment: Payment) -> None:
    if _transition(
        payment, PaymentStatus.CREATED, status=PaymentStatus.CANCELLED, closed_at=utc_now()
    ):
        record_audit("payment.cancel", "payment", payment.id, "cancelled at the provider")


def _settle(payment: Payment, provider_reference: str) -> None:
    """Paid once; a second payment for what is already paid (two tabs) is given back."""
    if payment.status != PaymentStatus.CREATED:
        return  # the same callback again: already applied
    if standing(payment.purpose, payment.subject_id) is not None:
        _give_back_duplicate(payment, provider_reference)
        return
    applied = _transition(
        payment,
        PaymentStatus.CREATED,
        status=PaymentStatus.PAID,
        paid_at=utc_now(),
        provider_reference=provider_reference,
    )
    if not applied:
        return
    record_audit("payment.paid", "payment", payment.id, f"¥{payment.amount} {payment.provider}")
    try:
        with db.session.begin_nested():
            PURPOSES[payment.purpose].on_paid(payment)
    except TCMError as exc:  # e.g. the order lapsed while the patient was paying
        refund(payment, None, exc.message[:200])


def _give_back_duplicate(payment: Payment, provider_reference: str) -> None:
    now = utc_now()
    reference = provider(payment.provider).refund(payment)
    if _transition(
        payment,
        PaymentStatus.CREATED,
        status=PaymentStatus.REFUNDED,
        paid_at=now,
        refunded_at=now,
        provider_reference=provider_reference,
        refund_reference=reference,
        refund_reason="paid twice",
    ):
        record_audit("payment.refund", "payment", payment.id, f"¥{payment.amount}: paid twice")


def refund(payment: Payment, actor, reason: str) -> Payment:
    """Give a paid payment back through its provider, once."""
    if payment.status == PaymentStatus.REFUNDED:
        return payment
    if payment.status != PaymentStatus.PAID:
        raise ConflictError("only a paid payment can be refunded", "not_paid")
    reference = provider(payment.provider).refund(payment)
    if _transition(
        payment,
        PaymentStatus.PAID,
        status=PaymentStatus.REFUNDED,
        refunded_at=utc_now(),
        refund_reference=reference,
        refund_reason=reason[:200],
    ):
        record_audit(
            "payment.refund", "payment", payment.id, f"¥{payment.amount}: {reason}", actor=actor
        )
    return payment


def return_url(payment: Payment) -> str:
    return PURPOSES[payment.purpose].return_url(payment)
