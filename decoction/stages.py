"""The decoction room's stages for one order and the rule of each move (全程留痕).

pending_payment → paid → dispensed (调配, weighed grams within ±5 %) → checked (复核, by someone
else) → soaking → soaked (≥ the plan's soak) → decocting (machine) → decocted (≥ the plan's
minimum) → packaged (bags and volume) → shipped (courier, tracking) → delivered; or packaged →
picked_up. Raw pieces (饮片) go from checked straight to packaged. Any active stage may be put on
hold with an exception (shortage, damaged, returned) and resumed where it stopped. An order is
cancelled only before dispensing (pending_payment or paid → cancelled; a payment is refunded).

Services apply a move with a guarded UPDATE (WHERE status = :from), so a double click or a retry
cannot apply it twice; this module only says whether a move is allowed and what it records.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from tcm_app.common.errors import RuleError

WEIGHING_TOLERANCE = Decimal("0.05")  # ±5 % of the prescribed grams (调配 accuracy)


class Status(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    DISPENSED = "dispensed"
    CHECKED = "checked"
    SOAKING = "soaking"
    SOAKED = "soaked"
    DECOCTING = "decocting"
    DECOCTED = "decocted"
    PACKAGED = "packaged"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    PICKED_UP = "picked_up"
    ON_HOLD = "on_hold"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


FINAL = frozenset({Status.DELIVERED, Status.PICKED_UP, Status.EXPIRED, Status.CANCELLED})
EXCEPTION_REASONS = ("shortage", "damaged", "returned", "other")


class Move(StrEnum):
    PAY = "pay"
    DISPENSE = "dispense"
    CHECK = "check"
    START_SOAK = "start_soak"
    FINISH_SOAK = "finish_soak"
    START_DECOCT = "start_decoct"
    FINISH_DECOCT = "finish_decoct"
    PACKAGE = "package"
    SHIP = "ship"
    DELIVER = "deliver"
    PICK_UP = "pick_up"
    HOLD = "hold"
    RESUME = "resume"
    EXPIRE = "expire"
    CANCEL = "cancel"


class StageError(RuleError):
    """A refused stage move, with a stable code."""


@dataclass(frozen=True)
class OrderFacts:
    """The order as the rule needs it."""

    status: Status
    decocted: bool  # 代煎 (else raw pieces)
    delivery: bool  # delivery (else pickup)
    prescribed_g: dict  # herb name → grams for the whole order (per packet × packets)
    soak_minutes: int = 30
    decoct_min_minutes: int = 0  # from the plan: 先煎 + both decoctions at their minimum
    total_bags: int = 0
    dispensed_by: int | None = None
    soak_started_at: datetime | None = None
    decoct_started_at: datetime | None = None
    held_from: Status | None = None


@dataclass(frozen=True)
class Outcome:
    to: Status
    record: dict = field(default_factory=dict)  # what the stage event keeps


FROM = {
    Move.PAY: {Status.PENDING_PAYMENT},
    Move.DISPENSE: {Status.PAID},
    Move.CHECK: {Status.DISPENSED},
    Move.START_SOAK: {Status.CHECKED},
    Move.FINISH_SOAK: {Status.SOAKING},
    Move.START_DECOCT: {Status.SOAKED},
    Move.FINISH_DECOCT: {Status.DECOCTING},
    Move.PACKAGE: {Status.DECOCTED, Status.CHECKED},
    Move.SHIP: {Status.PACKAGED},
    Move.DELIVER: {Status.SHIPPED},
    Move.PICK_UP: {Status.PACKAGED},
    Move.RESUME: {Status.ON_HOLD},
    Move.EXPIRE: {Status.PENDING_PAYMENT},
    Move.CANCEL: {Status.PENDING_PAYMENT, Status.PAID},  # before dispensing; a payment is refunded
}
TO = {
    Move.PAY: Status.PAID,
    Move.DISPENSE: Status.DISPENSED,
    Move.CHECK: Status.CHECKED,
    Move.START_SOAK: Status.SOAKING,
    Move.FINISH_SOAK: Status.SOAKED,
    Move.START_DECOCT: Status.DECOCTING,
    Move.FINISH_DECOCT: Status.DECOCTED,
    Move.PACKAGE: Status.PACKAGED,
    Move.SHIP: Status.SHIPPED,
    Move.DELIVER: Status.DELIVERED,
    Move.PICK_UP: Status.PICKED_UP,
    Move.HOLD: Status.ON_HOLD,
    Move.EXPIRE: Status.EXPIRED,
    Move.CANCEL: Status.CANCELLED,
}


def refuse(code: str, message: str) -> StageError:
    return StageError(code, message)


def decide(order: OrderFacts, move: Move, actor_id: int, now: datetime, data: dict) -> Outcome:
    """Whether `move` may happen now, and what it records. Raises StageError."""
    _check_from(order, move)
    check = CHECKS.get(move)
    record = check(order, actor_id, now, data) if check else {}
    if move == Move.RESUME:
        if order.held_from is None:
            raise refuse("wrong_stage", "the order records no stage it was held from")
        return Outcome(order.held_from, record)
    return Outcome(TO[move], record)


def _check_from(order: OrderFacts, move: Move) -> None:
    if move == Move.HOLD:
        if order.status in FINAL or order.status in (Status.ON_HOLD, Status.PENDING_PAYMENT):
            raise refuse("not_active", f"an order that is {order.status} cannot be put on hold")
        return
    if order.status in FROM[move]:
        return
    if move == Move.SHIP and order.status == Status.PENDING_PAYMENT:
        raise refuse("not_paid", "the order is not paid: nothing is shipped before payment")
    raise refuse(
        "wrong_stage",
        f"'{move}' cannot follow '{order.status}'; stages are done in order, none skipped",
    )


def _dispense(order: OrderFacts, actor_id: int, now: datetime, data: dict) -> dict:
    weighed = data.get("weighed_g") or {}
    if set(weighed) != set(order.prescribed_g):
        raise refuse(
            "weighing_incomplete", "record the weighed grams of every herb, and only those"
        )
    outside = []
    for name, prescribed in order.prescribed_g.items():
        try:
            grams = Decimal(str(weighed[name]))
        except ArithmeticError:
            grams = Decimal(-1)
        if not grams.is_finite() or abs(grams - prescribed) > prescribed * WEIGHING_TOLERANCE:
            outside.append(name)
    if outside:
        raise refuse(
            "weighing_out_of_tolerance",
            f"{'、'.join(outside)}: weighed more than 5 % away from the prescription; re-weigh",
        )
    return {"weighed_g": {name: str(Decimal(str(g))) for name, g in weighed.items()}}


FORMULA_TYPES = ("ordinary", "aromatic", "tonic")  # decoction/plan.py FormulaType


def _check(order: OrderFacts, actor_id: int, now: datetime, data: dict) -> dict:
    """The checker also confirms the decoction type (一般/解表芳香/滋补), which sets the times."""
    if actor_id == order.dispensed_by:
        raise refuse(
            "same_person", "the check (复核) must be done by someone other than the dispenser"
        )
    if not order.decocted:
        return {}
    formula_type = data.get("formula_type") or "ordinary"
    if formula_type not in FORMULA_TYPES:
        raise refuse("invalid_formula_type", "choose ordinary, aromatic or tonic")
    return {"formula_type": formula_type}


def _start_soak(order: OrderFacts, actor_id: int, now: datetime, data: dict) -> dict:
    if not order.decocted:
        raise refuse("not_decocted", "raw pieces are not soaked or decocted here")
    return {"started_at": now.isoformat()}


def _finish_soak(order: OrderFacts, actor_id: int, now: datetime, data: dict) -> dict:
    return _after_minimum(
        order.soak_started_at, now, order.soak_minutes, "soak_too_short", "soaking"
    )


def _start_decoct(order: OrderFacts, actor_id: int, now: datetime, data: dict) -> dict:
    machine = str(data.get("machine") or "").strip()
    if not machine or len(machine) > 32:
        raise refuse("machine_required", "name the decoction machine (up to 32 characters)")
    return {"machine": machine, "started_at": now.isoformat()}


def _finish_decoct(order: OrderFacts, actor_id: int, now: datetime, data: dict) -> dict:
    return _after_minimum(
        order.decoct_started_at, now, order.decoct_min_minutes, "decoct_too_short", "decocting"
    )


def _after_minimum(started: datetime | None, now: datetime, minutes: int, code: str, what: str):
    elapsed = (now - started).total_seconds() / 60 if started else 0
    if elapsed < minutes:
        raise refuse(code, f"{what} needs at least {minutes} min; {elapsed:.0f} min so far")
    return {"minutes": round(elapsed, 1)}


def _package(order: OrderFacts, actor_id: int, now: datetime, data: dict) -> dict:
    if order.status == Status.CHECKED and order.decocted:
        raise refuse("wrong_stage", "decocted orders are soaked and decocted before packaging")
    if not order.decocted:
        return {}
    bags, ml = data.get("bags"), data.get("ml_per_bag")
    if bags != order.total_bags:
        raise refuse("bag_count", f"the plan makes {order.total_bags} bags; {bags} were recorded")
    if not isinstance(ml, int) or isinstance(ml, bool) or not 20 <= ml <= 600:
        raise refuse("bag_volume", "record the volume of a bag in millilitres (20 to 600)")
    return {"bags": bags, "ml_per_bag": ml}


def _ship(order: OrderFacts, actor_id: int, now: datetime, data: dict) -> dict:
    if not order.delivery:
        raise refuse("pickup_order", "this order is picked up at the clinic, not shipped")
    courier = str(data.get("courier") or "").strip()
    tracking = str(data.get("tracking_number") or "").strip()
    if not courier or not tracking or len(tracking) > 40 or not tracking.isalnum():
        raise refuse(
            "tracking_required", "give the courier and its tracking number (letters, digits)"
        )
    return {"courier": courier[:40], "tracking_number": tracking}


def _pick_up(order: OrderFacts, actor_id: int, now: datetime, data: dict) -> dict:
    if order.delivery:
        raise refuse("delivery_order", "this order is delivered, not picked up")
    return {}


def _hold(order: OrderFacts, actor_id: int, now: datetime, data: dict) -> dict:
    reason, note = data.get("reason"), str(data.get("note") or "").strip()
    if reason not in EXCEPTION_REASONS or not note:
        raise refuse(
            "reason_required",
            "say what happened: shortage, damaged, returned or other, with a note",
        )
    return {"reason": reason, "note": note[:500], "held_from": str(order.status)}


CHECKS = {
    Move.DISPENSE: _dispense,
    Move.CHECK: _check,
    Move.START_SOAK: _start_soak,
    Move.FINISH_SOAK: _finish_soak,
    Move.START_DECOCT: _start_decoct,
    Move.FINISH_DECOCT: _finish_decoct,
    Move.PACKAGE: _package,
    Move.SHIP: _ship,
    Move.PICK_UP: _pick_up,
    Move.HOLD: _hold,
}
