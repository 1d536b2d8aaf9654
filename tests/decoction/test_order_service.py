"""Herb orders in the database: placing from an approved prescription, refusals that write
nothing, payment, stage moves applied exactly once, and unpaid orders lapsing."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from decoction.models import DecoctionOrder, OrderEvent
from decoction.services import orders, payments
from herbs.models import HerbRecord, PrescriptionStatus
from tcm_app.common.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.types import utcnow
from tcm_app.services import patients
from tests.factories import (
    approved_prescription,
    create_patient,
    create_user,
)


def address_of(rx):
    patient = rx.encounter.patient
    return patients.add_address(
        patient, "王丽", "13812345678", "北京市朝阳区", "某路1号", True, patient.user
    )


def order_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(DecoctionOrder.id)))


def test_patient_orders_decoction_for_delivery(app):
    rx = approved_prescription()
    address = address_of(rx)
    order = orders.place_order(rx, rx.encounter.patient.user, "decocted", "delivery", address.id)
    db.session.commit()
    assert order.status == "pending_payment" and rx.status == PrescriptionStatus.USED
    labels = [line["label"] for line in order.price_lines]
    assert labels[-2:] == ["代煎费", "配送费"] and order.total > Decimal("0")
    assert order.total == sum(Decimal(line["amount"]) for line in order.price_lines)
    assert order.plan["total_bags"] == 14 and order.plan["steps"][0]["code"] == "soak"
    assert [e.move for e in order.events] == ["place"]


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("someone_else", None),
        ("twice", "already_ordered"),
        ("expired", "expired"),
        ("unapproved", "not_reviewed"),
        ("toxic_delivery", "toxic_not_delivered"),
        ("no_address", "address_required"),
    ],
    ids=[
        "someone-elses-prescription",
        "the-same-prescription-twice",
        "an-expired-prescription",
        "a-prescription-the-pharmacist-has-not-approved",
        "toxic-herbs-for-delivery",
        "delivery-without-an-address",
    ],
)
def test_ordering_is_refused_and_nothing_is_written(app, setup, code):
    rx = approved_prescription()
    actor, address_id = rx.encounter.patient.user, address_of(rx).id
    if setup == "someone_else":
        actor = create_patient(name="李四").user
    elif setup == "twice":
        orders.place_order(rx, actor, "raw", "pickup")
        db.session.commit()
    elif setup == "expired":
        rx.valid_until = utcnow() - timedelta(seconds=1)
    elif setup == "unapproved":
        rx.status = PrescriptionStatus.PENDING_REVIEW
    elif setup == "toxic_delivery":
        db.session.scalar(sa.select(HerbRecord).where(HerbRecord.name == "黄芪")).toxic_28 = True
    elif setup == "no_address":
        address_id = None
    db.session.commit()
    before = order_count()
    with pytest.raises((ConflictError, NotFoundError, ValidationError)) as refused:
        orders.place_order(rx, actor, "decocted", "delivery", address_id)
    db.session.rollback()
    if code:
        assert refused.value.code == code
    assert order_count() == before


def test_toxic_herbs_can_be_picked_up(app):
    rx = approved_prescription()
    db.session.scalar(sa.select(HerbRecord).where(HerbRecord.name == "黄芪")).toxic_28 = True
    order = orders.place_order(rx, rx.encounter.patient.user, "decocted", "pickup")
    assert order.handover == "pickup"


def test_unmarked_banxia_is_dispensed_processed_and_can_be_delivered(app):
    # 《医疗用毒性药品管理办法》第九条: 半夏 written unmarked is dispensed as 法半夏, which is not
    # on the toxic list, so 二陈汤 can go to the patient's door (issue 16).
    rx = approved_prescription(lines=(("半夏", 9), ("陈皮", 9), ("茯苓", 9), ("炙甘草", 6)))
    assert "法半夏" in [line.herb.name for line in rx.lines]
    order = orders.place_order(
        rx, rx.encounter.patient.user, "decocted", "delivery", address_of(rx).id
    )
    assert order.handover == "delivery"


def staff():
    return create_user(Role.DECOCTION)  # a unique name (a timestamp repeats when time is frozen)


def test_stages_are_applied_once_even_when_retried(app):
    rx = approved_prescription()
    order = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    clerk = staff()
    first = payments.mark_paid(order, clerk, "pay-form-1")
    again = payments.mark_paid(order, clerk, "pay-form-1")  # the same form submitted twice
    assert first.id == again.id and order.status == "paid" and order.paid_at is not None
    assert first.record["payment_reference"].startswith("builtin-")
    with pytest.raises(ConflictError) as refused:  # a second form, after the first went through
        payments.mark_paid(order, clerk, "pay-form-2")
    assert refused.value.code == "wrong_stage"
    assert [e.move for e in order.events] == ["place", "pay"]


def test_a_tracking_number_on_an_unpaid_order_is_refused(app):
    rx = approved_prescription()
    order = orders.place_order(
        rx, rx.encounter.patient.user, "decocted", "delivery", address_of(rx).id
    )
    with pytest.raises(ConflictError) as refused:
        orders.apply_move(
            order, "ship", staff(), {"courier": "顺丰", "tracking_number": "SF1"}, "k1"
        )
    assert refused.value.code == "not_paid" and order.status == "pending_payment"


def test_the_whole_decoction_path(app):
    rx = approved_prescription()
    order = orders.place_order(
        rx, rx.encounter.patient.user, "decocted", "delivery", address_of(rx).id
    )
    dispenser, checker = staff(), staff()
    t0 = utcnow()
    payments.mark_paid(order, dispenser, "a")
    weighed = {"黄芪": 211, "当归": 69}
    orders.apply_move(order, "dispense", dispenser, {"weighed_g": weighed}, "b")
    with pytest.raises(ValidationError):
        orders.apply_move(order, "check", dispenser, {}, "c0")  # not by the dispenser
    orders.apply_move(order, "check", checker, {}, "c")
    orders.apply_move(order, "start_soak", checker, {}, "d", now=t0)
    with pytest.raises(ValidationError) as early:
        orders.apply_move(order, "finish_soak", checker, {}, "e0", now=t0 + timedelta(minutes=10))
    assert early.value.code == "soak_too_short"
    orders.apply_move(order, "finish_soak", checker, {}, "e", now=t0 + timedelta(minutes=30))
    orders.apply_move(
        order, "start_decoct", checker, {"machine": "2号机"}, "f", now=t0 + timedelta(minutes=31)
    )
    orders.apply_move(order, "finish_decoct", checker, {}, "g", now=t0 + timedelta(minutes=80))
    orders.apply_move(order, "package", checker, {"bags": 14, "ml_per_bag": 200}, "h")
    orders.apply_move(order, "ship", checker, {"courier": "顺丰", "tracking_number": "SF123"}, "i")
    orders.apply_move(order, "deliver", checker, {}, "j")
    db.session.commit()
    assert order.status == "delivered" and order.tracking_number == "SF123"
    moves = [(e.move, e.actor_id) for e in order.events]
    assert moves[2] == ("dispense", dispenser.id) and moves[3] == ("check", checker.id)
    assert len(moves) == 11


def test_patients_do_not_move_orders(app):
    rx = approved_prescription()
    order = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    with pytest.raises(PermissionDeniedError):
        payments.mark_paid(order, rx.encounter.patient.user, "x")


def test_unpaid_orders_lapse_and_free_the_prescription(app):
    rx = approved_prescription()
    order = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    db.session.commit()
    assert orders.expire_unpaid(utcnow()) == 0
    assert orders.expire_unpaid(order.expires_at + timedelta(seconds=1)) == 1
    db.session.commit()
    assert order.status == "expired" and rx.status == PrescriptionStatus.APPROVED
    again = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    assert again.id != order.id


def test_stage_events_are_append_only(app):
    rx = approved_prescription()
    orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    db.session.commit()
    for statement in (
        sa.update(OrderEvent).values(note="x"),
        sa.delete(OrderEvent),
        sa.delete(DecoctionOrder),
    ):
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()


def test_the_database_refuses_a_second_live_order_for_a_prescription(app):
    rx = approved_prescription()
    first = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    db.session.commit()
    copy = {c.name: getattr(first, c.name) for c in DecoctionOrder.__table__.columns}
    copy.update(id=None, trace_token="another-token")
    db.session.add(DecoctionOrder(**copy))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()


def test_the_beat_task_lapses_unpaid_orders(app):
    from decoction.tasks import expire_unpaid_orders

    rx = approved_prescription()
    order = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup")
    order.expires_at = utcnow() - timedelta(seconds=1)
    order_id = order.id
    db.session.commit()
    assert expire_unpaid_orders() == 1
    assert db.session.get(DecoctionOrder, order_id).status == "expired"
    assert "decoction.expire_unpaid_orders" in {
        entry["task"] for entry in app.config["CELERY"]["beat_schedule"].values()
    }


def test_concurrent_moves_on_one_order_apply_once(app):
    """Eight clerks press the same button at once, each with their own form: one move lands,
    the others are refused clearly (on SQLite and PostgreSQL)."""
    import threading

    rx = approved_prescription()
    order_id = orders.place_order(rx, rx.encounter.patient.user, "raw", "pickup").id
    clerk_id = staff().id
    db.session.commit()
    db.session.remove()
    results, barrier = [], threading.Barrier(8)

    def press(n):
        with app.app_context():
            barrier.wait()
            try:
                order = db.session.get(DecoctionOrder, order_id)
                clerk = db.session.get(type(order.prescription.doctor), clerk_id)
                payments.mark_paid(order, clerk, f"form-{n}")
                db.session.commit()
                results.append("applied")
            except (ConflictError, ValidationError) as exc:
                db.session.rollback()
                results.append(exc.code)

    threads = [threading.Thread(target=press, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("applied") == 1
    assert set(results) <= {"applied", "wrong_stage", "order_changed"} and len(results) == 8
    pays = db.session.scalars(sa.select(OrderEvent).where(OrderEvent.move == "pay")).all()
    assert len(pays) == 1


def test_a_tonic_decoction_type_lengthens_the_plan_and_its_minimum(app):
    rx = approved_prescription()
    order = orders.place_order(rx, rx.encounter.patient.user, "decocted", "pickup")
    dispenser, checker = staff(), staff()
    payments.mark_paid(order, dispenser, "a")
    orders.apply_move(order, "dispense", dispenser, {"weighed_g": {"黄芪": 210, "当归": 70}}, "b")
    assert order.plan["first_decoction_minutes"] == 25
    orders.apply_move(order, "check", checker, {"formula_type": "tonic"}, "c")
    assert order.plan["formula_type"] == "tonic" and order.plan["first_decoction_minutes"] == 60
    t0 = utcnow()
    orders.apply_move(order, "start_soak", checker, {}, "d", now=t0)
    orders.apply_move(order, "finish_soak", checker, {}, "e", now=t0 + timedelta(minutes=30))
    orders.apply_move(order, "start_decoct", checker, {"machine": "1"}, "f", now=t0)
    with pytest.raises(ValidationError) as early:  # 40 + 35 minutes at least for a tonic
        orders.apply_move(order, "finish_decoct", checker, {}, "g", now=t0 + timedelta(minutes=60))
    assert early.value.code == "decoct_too_short"
