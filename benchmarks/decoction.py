"""Decoction figures (make bench): bag labels for an order of 14 packets × 2 bags in one PDF, and
concurrent stage moves on the same orders (run on PostgreSQL by make bench as well).

Targets (issue 6): labels median <= 2 s; 200 concurrent moves: none applied twice, none lost.
"""

import os
import statistics
import threading
import time
import uuid

from common import bench_app
from sqlalchemy import func, select

from decoction.models import DecoctionOrder, OrderEvent
from decoction.services import documents, orders, payments
from herbs.services import catalogue, prescriptions
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import (
    SIGNING_PASSWORD,
    create_pharmacist,
    create_prescribable_encounter,
    create_user,
)

ORDERS, ATTEMPTS_PER_ORDER = 20, 10  # 200 concurrent moves
LINES = [("黄芪", 30), ("党参", 15), ("当归", 10), ("石膏", 30), ("薄荷", 6), ("甘草", 6)]


def approved_order(pharmacist, packets: int, preparation="decocted") -> int:
    encounter = create_prescribable_encounter()
    rx = prescriptions.open_draft(encounter, encounter.doctor)
    rows = [{"name": name, "dose_g": grams} for name, grams in LINES]
    prescriptions.save_draft(rx, encounter.doctor, rows, packets, "每日1剂，分两次温服")
    prescriptions.sign(rx, encounter.doctor, SIGNING_PASSWORD, {})
    prescriptions.review(rx, pharmacist, True, "", SIGNING_PASSWORD)
    order = orders.place_order(rx, encounter.patient.user, preparation, "pickup")
    db.session.commit()
    return order.id


def bench_labels(app, pharmacist) -> None:
    order = db.session.get(DecoctionOrder, approved_order(pharmacist, 14))
    times = []
    with app.test_request_context():
        for _ in range(6):
            started = time.perf_counter()
            pdf = documents.labels_pdf(order)
            times.append(time.perf_counter() - started)
    print(
        f"labels, 14 packets x 2 bags = {order.plan['total_bags']} labels in one PDF: "
        f"median {statistics.median(times[1:]):.2f} s, max {max(times[1:]):.2f} s "
        f"({len(pdf) / 1024:.0f} KiB)   target <= 2 s"
    )


def attempt(app, order_id: int, clerk_id: int, results: list, barrier) -> None:
    """One request: its own app context and session, its own form key, the same move."""
    with app.app_context():
        barrier.wait()
        try:
            order = db.session.get(DecoctionOrder, order_id)
            clerk = db.session.get(type(order.prescription.doctor), clerk_id)
            payments.mark_paid(order, clerk, uuid.uuid4().hex)
            db.session.commit()
            results.append("applied")
        except TCMError as exc:
            db.session.rollback()
            results.append(exc.code)
        except Exception as exc:
            db.session.rollback()
            results.append(type(exc).__name__)
        finally:
            db.session.remove()


def bench_concurrent_moves(app, pharmacist) -> None:
    order_ids = [approved_order(pharmacist, 7, "raw") for _ in range(ORDERS)]
    clerk_id = create_user(Role.DECOCTION, username="bench-clerk").id
    db.session.commit()
    db.session.remove()
    results: list = []
    barrier = threading.Barrier(ORDERS * ATTEMPTS_PER_ORDER)
    threads = [
        threading.Thread(target=attempt, args=(app, oid, clerk_id, results, barrier))
        for oid in order_ids
        for _ in range(ATTEMPTS_PER_ORDER)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    paid_events = db.session.scalar(
        select(func.count(OrderEvent.id)).where(OrderEvent.move == "pay")
    )
    per_order = db.session.execute(
        select(OrderEvent.order_id, func.count())
        .where(OrderEvent.move == "pay")
        .group_by(OrderEvent.order_id)
    ).all()
    applied = results.count("applied")
    outcome = {code: results.count(code) for code in sorted(set(results))}
    twice = [oid for oid, n in per_order if n > 1]
    lost = ORDERS - len(per_order)
    print(
        f"concurrent moves: {len(threads)} 'pay' attempts on {ORDERS} orders at once in "
        f"{elapsed:.2f} s ({len(threads) / elapsed:.0f} attempts/s): applied {applied}, "
        f"pay events {paid_events}, orders paid twice {len(twice)}, orders lost {lost}; {outcome}"
    )


def main() -> None:
    app = bench_app("tcm-bench-decoction-")
    with app.app_context():
        catalogue.import_herbs()
        pharmacist = create_pharmacist()
        db.session.commit()
        print(f"database: {db.engine.dialect.name}")
        bench_labels(app, pharmacist)
        bench_concurrent_moves(app, pharmacist)


if __name__ == "__main__":
    os.environ.setdefault("TCM_BENCH", "1")
    main()
