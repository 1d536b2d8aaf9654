"""Ordering rules (decoction/ordering.py): 先方后药, one order per prescription, no toxic herbs by
post, and the itemised price."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from decoction.ordering import Fees, Handover, Preparation, PrescriptionFacts, quote, refusal

pytestmark = pytest.mark.pure
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TOMORROW = NOW + timedelta(days=1)


def facts(status="approved", valid_until=TOMORROW, used=False, toxic=()):
    return PrescriptionFacts(status, valid_until, used, toxic)


@pytest.mark.parametrize(
    ("prescription", "handover", "code"),
    [
        (facts(status="draft"), Handover.DELIVERY, "not_reviewed"),
        (facts(status="pending_review"), Handover.PICKUP, "not_reviewed"),
        (facts(status="rejected"), Handover.DELIVERY, "rejected"),
        (facts(used=True), Handover.DELIVERY, "already_ordered"),
        (facts(status="used"), Handover.PICKUP, "already_ordered"),
        (facts(status="expired"), Handover.DELIVERY, "expired"),
        (facts(valid_until=NOW), Handover.DELIVERY, "expired"),
        (facts(status="void"), Handover.DELIVERY, "not_orderable"),
        (facts(toxic=("生半夏",)), Handover.DELIVERY, "toxic_not_delivered"),
        (
            PrescriptionFacts("approved", TOMORROW, False, ("生半夏",), (), ("生半夏",)),
            Handover.PICKUP,
            "toxic_unsealed",
        ),
    ],
    ids=[
        "no-medicine-before-the-prescription-is-signed",
        "no-medicine-before-the-pharmacist-approves",
        "a-returned-prescription-cannot-be-ordered",
        "a-prescription-backs-one-order-only",
        "a-used-prescription-cannot-be-ordered-again",
        "an-expired-prescription-cannot-be-ordered",
        "validity-ends-at-its-instant",
        "a-voided-prescription-cannot-be-ordered",
        "toxic-28-herbs-are-never-posted",
        "toxic-herbs-of-an-outside-prescription-need-its-institutions-seal",
    ],
)
def test_ordering_is_refused(prescription, handover, code):
    assert refusal(prescription, handover, NOW).code == code


def test_toxic_herbs_may_be_picked_up_and_the_patient_is_told_why_not_posted():
    assert refusal(facts(toxic=("生半夏",)), Handover.PICKUP, NOW) is None
    message = refusal(facts(toxic=("生半夏", "生川乌")), Handover.DELIVERY, NOW).message
    assert "生半夏、生川乌" in message and "pickup" in message


@pytest.mark.parametrize("handover", [Handover.PICKUP, Handover.DELIVERY])
def test_a_herb_the_pharmacy_does_not_supply_cannot_be_ordered(handover):
    unsupplied = PrescriptionFacts("approved", TOMORROW, False, (), ("穿山甲",))
    found = refusal(unsupplied, handover, NOW)
    assert found.code == "not_supplied" and "穿山甲" in found.message


def test_an_approved_valid_unused_prescription_can_be_ordered():
    assert refusal(facts(), Handover.DELIVERY, NOW) is None


HERBS = [("黄芪", Decimal("30"), Decimal("0.12")), ("当归", Decimal("10"), Decimal("0.35"))]


def test_price_is_herbs_times_grams_times_packets_plus_fees():
    q = quote(HERBS, 7, Preparation.DECOCTED, Handover.DELIVERY)
    amounts = {line.label: line.amount for line in q.lines}
    assert amounts == {
        "黄芪": Decimal("25.20"),
        "当归": Decimal("24.50"),
        "代煎费": Decimal("21.00"),
        "配送费": Decimal("12.00"),
    }
    assert q.total == Decimal("82.70")


@pytest.mark.parametrize(
    ("preparation", "handover", "labels"),
    [
        (Preparation.RAW, Handover.PICKUP, {"黄芪", "当归"}),
        (Preparation.RAW, Handover.DELIVERY, {"黄芪", "当归", "配送费"}),
        (Preparation.DECOCTED, Handover.PICKUP, {"黄芪", "当归", "代煎费"}),
    ],
    ids=[
        "raw-pieces-picked-up-pay-herbs-only",
        "raw-pieces-delivered-add-delivery",
        "decocted-and-picked-up-add-the-decoction-fee",
    ],
)
def test_fees_follow_the_choices(preparation, handover, labels):
    assert {line.label for line in quote(HERBS, 7, preparation, handover).lines} == labels


def test_delivery_is_free_from_a_configured_amount():
    fees = Fees(free_delivery_from=Decimal("50"))
    q = quote(HERBS, 7, Preparation.DECOCTED, Handover.DELIVERY, fees)
    assert q.lines[-1].amount == Decimal("0.00")


def test_amounts_round_to_the_cent_half_up():
    q = quote([("甘草", Decimal("3"), Decimal("0.0125"))], 1, Preparation.RAW, Handover.PICKUP)
    assert q.total == Decimal("0.04")
