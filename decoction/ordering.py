"""Ordering herbs from an approved prescription: who may order, what may be delivered, and the
itemised price (herbs × grams × packets, decoction fee per packet, delivery fee).

Rules: no medicine without a reviewed prescription (先方后药: 《互联网诊疗监管细则（试行）》, the
pharmacist's approval); a prescription backs one order only; herbs on the 28-item list of
《医疗用毒性药品管理办法》(1988) are dispensed in the hospital only, never sent to a patient, and
from an outside prescription only when it bears its institution's official seal (第九条).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from tcm_app.common.errors import RuleError

CENT = Decimal("0.01")


class Preparation(StrEnum):
    DECOCTED = "decocted"  # 代煎: sealed bags from the decoction room
    RAW = "raw"  # 饮片: the pieces, to decoct at home


class Handover(StrEnum):
    DELIVERY = "delivery"
    PICKUP = "pickup"


class OrderError(RuleError):
    """A refusal to order, with a stable code."""


@dataclass(frozen=True)
class PrescriptionFacts:
    """What ordering needs to know of a prescription (services read it from the rows)."""

    status: str  # herbs.models.PrescriptionStatus value, expiry already applied
    valid_until: datetime | None
    used: bool
    toxic_28_herbs: tuple[str, ...]
    # Herbs the pharmacy does not supply (catalogue stock 0 and price 0: 本院不备货).
    unsupplied_herbs: tuple[str, ...] = ()
    # Toxic herbs of an outside prescription without its institution's official seal (第九条).
    unsealed_toxic_herbs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fees:
    decoction_per_packet: Decimal = Decimal("3.00")
    delivery: Decimal = Decimal("12.00")
    free_delivery_from: Decimal | None = None  # herbs + decoction total at which delivery is free


@dataclass(frozen=True)
class PriceLine:
    label: str
    quantity: str
    amount: Decimal


@dataclass(frozen=True)
class Quote:
    lines: tuple[PriceLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def refusal(facts: PrescriptionFacts, handover: Handover, now: datetime) -> OrderError | None:
    """Why this prescription cannot be ordered this way, or None."""
    if facts.status in ("draft", "pending_review"):
        return OrderError("not_reviewed", "the pharmacist has not approved this prescription yet")
    if facts.status == "rejected":
        return OrderError("rejected", "the pharmacist returned this prescription to the doctor")
    if facts.used or facts.status == "used":
        return OrderError("already_ordered", "this prescription already backs an order")
    if facts.status == "expired" or (facts.valid_until is not None and facts.valid_until <= now):
        return OrderError("expired", "this prescription has expired; ask the doctor again")
    if facts.status != "approved":
        return OrderError("not_orderable", "this prescription cannot be ordered")
    if facts.unsupplied_herbs:
        names = "、".join(facts.unsupplied_herbs)
        return OrderError(
            "not_supplied", f"{names} is not supplied by this pharmacy; ask the doctor again"
        )
    if facts.unsealed_toxic_herbs:
        names = "、".join(facts.unsealed_toxic_herbs)
        return OrderError(
            "toxic_unsealed",
            f"{names} is on the list of toxic medicines: an outside prescription for it needs "
            "the official seal of the institution that wrote it",
        )
    if handover == Handover.DELIVERY and facts.toxic_28_herbs:
        names = "、".join(facts.toxic_28_herbs)
        return OrderError(
            "toxic_not_delivered",
            f"{names} is on the list of toxic medicines and is dispensed in the hospital only: "
            "choose pickup at the clinic",
        )
    return None


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def quote(
    herbs: list[tuple[str, Decimal, Decimal]],
    packets: int,
    preparation: Preparation,
    handover: Handover,
    fees: Fees = Fees(),
) -> Quote:
    """Itemised price. `herbs` holds (name, grams per packet, price per gram)."""
    lines = [
        PriceLine(name, f"{grams} g × {packets}", _money(grams * packets * price))
        for name, grams, price in herbs
    ]
    if preparation == Preparation.DECOCTED:
        fee = _money(fees.decoction_per_packet * packets)
        lines.append(PriceLine("代煎费", f"{packets} 剂", fee))
    if handover == Handover.DELIVERY:
        subtotal = sum((line.amount for line in lines), Decimal(0))
        free = fees.free_delivery_from is not None and subtotal >= fees.free_delivery_from
        lines.append(PriceLine("配送费", "1", Decimal("0.00") if free else _money(fees.delivery)))
    return Quote(tuple(lines))
