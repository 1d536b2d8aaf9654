"""Placing herb orders from approved prescriptions and moving them through the decoction room.

An order's source is the hospital's prescription or an approved outside prescription (外院处方):
decoction/services/sources.py reads either the same way. Placing an order consumes its source
(guarded UPDATE, and a partial unique index per source column), so a source backs one live order
at most. Each stage move is a guarded UPDATE on the order's status
plus an append-only event keyed by the request, so a double click or a retry applies once."""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from decoction import ordering, plan, stages
from decoction.models import DecoctionOrder, OrderEvent
from decoction.services import notify, sources
from decoction.services.sources import Source
from tcm_app.common.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.patients import Address
from tcm_app.models.types import utcnow
from tcm_app.services import transitions
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_audit

STAFF_MOVES = {Role.DECOCTION, Role.PHARMACIST, Role.ADMIN}
PATIENT_MOVES = {stages.Move.CANCEL}  # their own order, before dispensing (the view checks whose)
STAGE_CONFLICTS = {"wrong_stage", "not_paid", "not_active"}
# Refusals about the handover chosen: shown next to that field.
HANDOVER_REFUSALS = {"toxic_not_delivered"}


def _fees() -> ordering.Fees:
    return ordering.Fees(
        decoction_per_packet=Decimal(current_app.config["DECOCTION_FEE_PER_PACKET"]),
        delivery=Decimal(current_app.config["DELIVERY_FEE"]),
    )


def _herb_prices(rx: Source) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (line.herb.name, Decimal(str(line.dose_g)), Decimal(line.herb.price_milliyuan_per_g) / 1000)
        for line in rx.lines
    ]


def _facts(rx: Source, now: datetime) -> ordering.PrescriptionFacts:
    toxic = tuple(line.herb.name for line in rx.lines if line.herb.toxic_28)
    unsupplied = tuple(
        line.herb.name
        for line in rx.lines
        if line.herb.stock_g <= 0 and line.herb.price_milliyuan_per_g <= 0
    )
    status = sources.status(rx, now)
    used = rx.used_at is not None
    unsealed = toxic if sources.needs_seal(rx) else ()
    return ordering.PrescriptionFacts(status, rx.valid_until, used, toxic, unsupplied, unsealed)


def decoction_plan(rx: Source, formula_type: str = "ordinary") -> dict:
    """The plan for the prescription's lines, with the methods the doctor wrote."""
    herbs = [
        plan.HerbInput(
            line.herb.name,
            Decimal(str(line.dose_g)),
            plan.METHOD_OF_NOTATION.get(line.method or "", plan.Method.NORMAL),
        )
        for line in rx.lines
    ]
    kind = plan.FormulaType(formula_type)
    return plan.build_plan(herbs, sources.packets(rx), kind, rx.patient_age).to_dict()


def quote_for(rx: Source, preparation, handover) -> ordering.Quote:
    return ordering.quote(_herb_prices(rx), sources.packets(rx), preparation, handover, _fees())


def refusal_for(rx: Source, handover) -> ordering.OrderError | None:
    """Why the prescription cannot be ordered with this handover now, or None (an outside
    prescription's refusals carry its own codes, external_rx/labels.py)."""
    now = utcnow()
    refused = ordering.refusal(_facts(rx, now), ordering.Handover(handover), now)
    if refused is None:
        return None
    code = sources.refusal_code(rx, refused.code)
    return ordering.OrderError(code, refused.message, refused.params)


def _choices(preparation: str, handover: str):
    try:
        return ordering.Preparation(preparation), ordering.Handover(handover)
    except ValueError as exc:
        raise ValidationError(
            "choose decocted or raw pieces, and delivery or pickup",
            fields={"preparation": ["invalid"], "handover": ["invalid"]},
        ) from exc


def _address(patient_id: int, handover, address_id: int | None) -> Address | None:
    if handover != ordering.Handover.DELIVERY:
        return None
    address = db.session.get(Address, address_id) if address_id else None
    if address is None or address.patient_id != patient_id or address.archived_at is not None:
        raise ValidationError(
            "choose a delivery address from the address book",
            "address_required",
            {"address_id": ["required"]},
        )
    return address


def place_order(
    rx: Source, actor, preparation: str, handover: str, address_id: int | None = None
) -> DecoctionOrder:
    """The patient (or guardian) orders from their own approved, valid, unused prescription,
    the hospital's or an outside one (外院处方)."""
    subject = sources.audit_subject(rx)
    if actor.role != Role.PATIENT or rx.patient_id not in own_patient_ids(actor):
        raise NotFoundError("prescription not found").audited("order.place", *subject)
    preparation, handover = _choices(preparation, handover)
    address = _address(rx.patient_id, handover, address_id)
    refused = refusal_for(rx, handover)
    if refused is not None:
        fields = {"handover": [refused.code]} if refused.code in HANDOVER_REFUSALS else None
        raise refused.refusal(ConflictError, fields=fields).audited("order.place", *subject)
    now = utcnow()
    quoted = quote_for(rx, preparation, handover)
    order = DecoctionOrder(
        **sources.order_link(rx),
        patient_id=rx.patient_id,
        ordered_by_id=actor.id,
        preparation=preparation,
        handover=handover,
        address_id=address.id if address else None,
        status=stages.Status.PENDING_PAYMENT,
        packets=sources.packets(rx),
        plan=decoction_plan(rx) if preparation == ordering.Preparation.DECOCTED else None,
        price_lines=[
            {"label": p.label, "quantity": p.quantity, "amount": str(p.amount)}
            for p in quoted.lines
        ],
        total=quoted.total,
        trace_token=secrets.token_urlsafe(16)[:22],
        expires_at=now + timedelta(minutes=current_app.config["ORDER_UNPAID_MINUTES"]),
    )
    db.session.add(order)
    db.session.flush()
    sources.consume(rx, f"order:{order.id}", actor=actor)
    _event(order, "place", "place", "", order.status, actor, {"total": str(order.total)})
    kind, source_id = subject
    record_audit("order.place", "order", order.id, f"order for {kind} {source_id}", actor=actor)
    return order


def _event(order, move, key, from_status, to_status, actor, record) -> OrderEvent:
    event = OrderEvent(
        order_id=order.id,
        move=move,
        move_key=key,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else "system",
        record=record,
    )
    db.session.add(event)
    db.session.flush()
    return event


def _order_facts(order: DecoctionOrder) -> stages.OrderFacts:
    planned = order.plan or {}
    steps = planned.get("steps", [])
    decoct_minimum = sum(
        s["min_minutes"]
        for s in steps
        if s["code"] in ("decoct_first", "first_decoction", "second_decoction")
    )
    rx = order.source
    return stages.OrderFacts(
        status=stages.Status(order.status),
        decocted=order.preparation == ordering.Preparation.DECOCTED,
        delivery=order.handover == ordering.Handover.DELIVERY,
        prescribed_g={
            line.herb.name: Decimal(str(line.dose_g)) * order.packets for line in rx.lines
        },
        soak_minutes=next((s["min_minutes"] for s in steps if s["code"] == "soak"), 30),
        decoct_min_minutes=decoct_minimum,
        total_bags=planned.get("total_bags", 0),
        dispensed_by=order.dispensed_by_id,
        soak_started_at=order.soak_started_at,
        decoct_started_at=order.decoct_started_at,
        held_from=stages.Status(order.held_from) if order.held_from else None,
    )


def _columns(move, actor, now, record, order) -> dict:
    values = {"stage_entered_at": now}
    if move == stages.Move.PAY:
        values.update(paid_at=now, payment_reference=record.get("payment_reference"))
    elif move == stages.Move.DISPENSE:
        values["dispensed_by_id"] = actor.id
    elif move == stages.Move.CHECK and "formula_type" in record:
        values["plan"] = decoction_plan(order.source, record["formula_type"])
    elif move == stages.Move.START_SOAK:
        values["soak_started_at"] = now
    elif move == stages.Move.START_DECOCT:
        values["decoct_started_at"] = now
    elif move == stages.Move.SHIP:
        values.update(courier=record["courier"], tracking_number=record["tracking_number"])
    elif move == stages.Move.HOLD:
        values["held_from"] = order.status
    elif move == stages.Move.RESUME:
        values["held_from"] = None
    return values


def apply_move(
    order: DecoctionOrder,
    move: str,
    actor,
    data: dict,
    move_key: str,
    now: datetime | None = None,
    extra: dict | None = None,
) -> OrderEvent:
    """Apply one stage move exactly once; the same `move_key` again returns the first result.
    `extra` joins the event's record (a payment reference, say)."""
    earlier = db.session.scalar(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.move_key == move_key)
    )
    if earlier is not None:
        return earlier
    move = _move(move)
    patient_may = actor is not None and actor.role == Role.PATIENT and move in PATIENT_MOVES
    if actor is not None and actor.role not in STAFF_MOVES and not patient_may:
        raise PermissionDeniedError("only the decoction room moves orders", "not_staff")
    now = now or utcnow()
    try:
        outcome = stages.decide(_order_facts(order), move, actor.id if actor else 0, now, data)
    except stages.StageError as exc:
        error = ConflictError if exc.code in STAGE_CONFLICTS else ValidationError
        raise exc.refusal(error).audited(f"order.{move}", "order", order.id) from exc
    from_status, record = order.status, {**outcome.record, **(extra or {})}
    transitions.move(
        order,
        expected=from_status,
        values={"status": outcome.to, **_columns(move, actor, now, record, order)},
        refusal=ConflictError("the order moved on meanwhile; reload", "order_changed"),
    )
    event = _event(order, move, move_key, from_status, outcome.to, actor, record)
    if move in (stages.Move.EXPIRE, stages.Move.CANCEL):
        sources.release(order.source, f"order:{order.id}", actor=actor)
    if move in (stages.Move.SHIP, stages.Move.DELIVER, stages.Move.PICK_UP):
        notify.notify(order, str(outcome.to))
    if move == stages.Move.PAY:
        notify.notify(order, "paid")
    record_audit(f"order.{move}", "order", order.id, f"{from_status} → {outcome.to}", actor=actor)
    return event


def _move(move: str) -> stages.Move:
    try:
        return stages.Move(move)
    except ValueError as exc:
        raise ValidationError("unknown stage move", "unknown_move") from exc


def expire_unpaid(now: datetime | None = None) -> int:
    """Lapse unpaid orders past their time and free their sources (Celery beat)."""
    now = now or utcnow()
    due = db.session.scalars(
        select(DecoctionOrder).where(
            DecoctionOrder.status == stages.Status.PENDING_PAYMENT, DecoctionOrder.expires_at <= now
        )
    ).all()
    for order in due:
        apply_move(order, stages.Move.EXPIRE, None, {}, f"expire:{order.id}", now)
    return len(due)
