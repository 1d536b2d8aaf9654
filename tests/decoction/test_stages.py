"""Decoction-room stages (decoction/stages.py): in order, none skipped, each with its own check."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from decoction.stages import Move, OrderFacts, StageError, Status, decide

pytestmark = pytest.mark.pure
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DISPENSER, CHECKER = 11, 12
ORDER = OrderFacts(
    status=Status.PAID,
    decocted=True,
    delivery=True,
    prescribed_g={"黄芪": Decimal("210"), "当归": Decimal("70")},
    soak_minutes=30,
    decoct_min_minutes=40,
    total_bags=14,
)


def at(status, **changes):
    return replace(ORDER, status=status, **changes)


HAPPY_PATH = [
    (at(Status.PENDING_PAYMENT), Move.PAY, {}, Status.PAID),
    (ORDER, Move.DISPENSE, {"weighed_g": {"黄芪": 212, "当归": "69.5"}}, Status.DISPENSED),
    (at(Status.DISPENSED, dispensed_by=DISPENSER), Move.CHECK, {}, Status.CHECKED),
    (at(Status.CHECKED), Move.START_SOAK, {}, Status.SOAKING),
    (
        at(Status.SOAKING, soak_started_at=NOW - timedelta(minutes=31)),
        Move.FINISH_SOAK,
        {},
        Status.SOAKED,
    ),
    (at(Status.SOAKED), Move.START_DECOCT, {"machine": "3号机"}, Status.DECOCTING),
    (
        at(Status.DECOCTING, decoct_started_at=NOW - timedelta(minutes=41)),
        Move.FINISH_DECOCT,
        {},
        Status.DECOCTED,
    ),
    (at(Status.DECOCTED), Move.PACKAGE, {"bags": 14, "ml_per_bag": 200}, Status.PACKAGED),
    (
        at(Status.PACKAGED),
        Move.SHIP,
        {"courier": "顺丰", "tracking_number": "SF1234567890"},
        Status.SHIPPED,
    ),
    (at(Status.SHIPPED), Move.DELIVER, {}, Status.DELIVERED),
    (at(Status.PACKAGED, delivery=False), Move.PICK_UP, {}, Status.PICKED_UP),
    (at(Status.CHECKED, decocted=False), Move.PACKAGE, {}, Status.PACKAGED),
    (at(Status.SOAKING), Move.HOLD, {"reason": "shortage", "note": "当归缺货"}, Status.ON_HOLD),
    (at(Status.ON_HOLD, held_from=Status.SOAKING), Move.RESUME, {}, Status.SOAKING),
    (at(Status.PENDING_PAYMENT), Move.EXPIRE, {}, Status.EXPIRED),
    (at(Status.PENDING_PAYMENT), Move.CANCEL, {}, Status.CANCELLED),
    (at(Status.PAID), Move.CANCEL, {}, Status.CANCELLED),
]


@pytest.mark.parametrize(
    ("order", "move", "data", "to"),
    HAPPY_PATH,
    ids=[
        "pay",
        "dispense-within-5-percent",
        "check-by-another-person",
        "start-soaking",
        "finish-soaking-after-30-min",
        "start-decocting-on-a-machine",
        "finish-decocting-after-the-plan-minimum",
        "package-the-planned-bags",
        "ship-with-tracking",
        "deliver",
        "pick-up-at-the-clinic",
        "raw-pieces-skip-soaking-and-decocting",
        "hold-with-a-reason",
        "resume-where-it-stopped",
        "unpaid-orders-expire",
        "an-unpaid-order-is-cancelled",
        "a-paid-order-is-cancelled-before-dispensing",
    ],
)
def test_each_stage_moves_on(order, move, data, to):
    assert decide(order, move, CHECKER, NOW, data).to == to


REFUSALS = [
    (at(Status.PAID), Move.CHECK, {}, "wrong_stage"),
    (at(Status.CHECKED), Move.START_DECOCT, {"machine": "1"}, "wrong_stage"),
    (at(Status.CHECKED), Move.PACKAGE, {"bags": 14, "ml_per_bag": 200}, "wrong_stage"),
    (at(Status.SHIPPED), Move.SHIP, {"courier": "顺丰", "tracking_number": "SF1"}, "wrong_stage"),
    (
        at(Status.PENDING_PAYMENT),
        Move.SHIP,
        {"courier": "顺丰", "tracking_number": "SF1"},
        "not_paid",
    ),
    (ORDER, Move.DISPENSE, {"weighed_g": {"黄芪": 222, "当归": 70}}, "weighing_out_of_tolerance"),
    (ORDER, Move.DISPENSE, {"weighed_g": {"黄芪": 210}}, "weighing_incomplete"),
    (ORDER, Move.DISPENSE, {"weighed_g": {"黄芪": "x", "当归": 70}}, "weighing_out_of_tolerance"),
    (at(Status.DISPENSED, dispensed_by=CHECKER), Move.CHECK, {}, "same_person"),
    (
        at(Status.SOAKING, soak_started_at=NOW - timedelta(minutes=29)),
        Move.FINISH_SOAK,
        {},
        "soak_too_short",
    ),
    (
        at(Status.DECOCTING, decoct_started_at=NOW - timedelta(minutes=39)),
        Move.FINISH_DECOCT,
        {},
        "decoct_too_short",
    ),
    (at(Status.SOAKED), Move.START_DECOCT, {"machine": " "}, "machine_required"),
    (at(Status.DECOCTED), Move.PACKAGE, {"bags": 13, "ml_per_bag": 200}, "bag_count"),
    (at(Status.DECOCTED), Move.PACKAGE, {"bags": 14, "ml_per_bag": 2000}, "bag_volume"),
    (at(Status.PACKAGED), Move.SHIP, {"courier": "顺丰"}, "tracking_required"),
    (
        at(Status.PACKAGED, delivery=False),
        Move.SHIP,
        {"courier": "顺丰", "tracking_number": "A1"},
        "pickup_order",
    ),
    (at(Status.PACKAGED), Move.PICK_UP, {}, "delivery_order"),
    (at(Status.CHECKED, decocted=False), Move.START_SOAK, {}, "not_decocted"),
    (at(Status.SOAKING), Move.HOLD, {"reason": "shortage"}, "reason_required"),
    (at(Status.DELIVERED), Move.HOLD, {"reason": "returned", "note": "退回"}, "not_active"),
    (at(Status.DELIVERED), Move.PAY, {}, "wrong_stage"),
    (at(Status.DISPENSED), Move.CANCEL, {}, "wrong_stage"),
    (at(Status.ON_HOLD), Move.RESUME, {}, "wrong_stage"),
]


@pytest.mark.parametrize(
    ("order", "move", "data", "code"),
    REFUSALS,
    ids=[
        "no-check-before-dispensing",
        "no-decocting-before-soaking",
        "decocted-orders-are-not-packaged-straight-after-checking",
        "no-shipping-twice",
        "no-tracking-number-on-an-unpaid-order",
        "weighed-grams-outside-5-percent",
        "every-herb-must-be-weighed",
        "weighed-grams-must-be-a-number",
        "the-checker-is-not-the-dispenser",
        "soaking-cannot-finish-before-30-min",
        "decocting-cannot-finish-before-the-plan-minimum",
        "decocting-names-a-machine",
        "bag-count-must-match-the-plan",
        "bag-volume-must-be-sane",
        "shipping-needs-a-tracking-number",
        "pickup-orders-are-not-shipped",
        "delivery-orders-are-not-picked-up",
        "raw-pieces-are-not-soaked",
        "an-exception-needs-a-reason-and-note",
        "a-finished-order-cannot-be-held",
        "a-finished-order-does-not-move",
        "a-dispensed-order-is-not-cancelled",
        "a-hold-that-records-no-stage-is-not-resumed",
    ],
)
def test_bad_moves_are_refused(order, move, data, code):
    with pytest.raises(StageError) as refused:
        decide(order, move, CHECKER, NOW, data)
    assert refused.value.code == code


def test_records_keep_what_was_done():
    weighed = decide(ORDER, Move.DISPENSE, DISPENSER, NOW, {"weighed_g": {"黄芪": 212, "当归": 70}})
    assert weighed.record == {"weighed_g": {"黄芪": "212", "当归": "70"}}
    started = decide(at(Status.SOAKED), Move.START_DECOCT, CHECKER, NOW, {"machine": " 3号机 "})
    assert started.record == {"machine": "3号机", "started_at": NOW.isoformat()}
    held = decide(
        at(Status.DECOCTING), Move.HOLD, CHECKER, NOW, {"reason": "damaged", "note": "煎糊"}
    )
    assert held.record["held_from"] == "decocting"


def test_the_checker_confirms_the_decoction_type():
    checked = at(Status.DISPENSED, dispensed_by=DISPENSER)
    assert decide(checked, Move.CHECK, CHECKER, NOW, {}).record == {"formula_type": "ordinary"}
    tonic = decide(checked, Move.CHECK, CHECKER, NOW, {"formula_type": "tonic"})
    assert tonic.record == {"formula_type": "tonic"}
    raw = replace(checked, decocted=False)
    assert decide(raw, Move.CHECK, CHECKER, NOW, {"formula_type": "tonic"}).record == {}
    with pytest.raises(StageError) as refused:
        decide(checked, Move.CHECK, CHECKER, NOW, {"formula_type": "spicy"})
    assert refused.value.code == "invalid_formula_type"
