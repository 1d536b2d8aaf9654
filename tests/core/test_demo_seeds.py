"""`flask seed-demo`: the core makes its part, then each installed domain adds its own through the
seed it registered in its setup.py (tcm_app/services/demo.py, add_demo_seed), in this order: later
parts build on earlier ones (herb orders on approved prescriptions)."""

import sqlalchemy as sa

from decoction.models import DecoctionOrder
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.patients import FamilyProxy, Patient
from tcm_app.services.access import own_patient_ids
from tcm_app.services.demo import DEMO_PASSWORD
from tests.factories import login
from treatments.models import Booking

DOMAIN_SEEDS = [
    "herbs.services.demo",
    "decoction.services.demo",
    "treatments.services.demo",
    "consults.services.demo",
    "constitution.services.demo",
    "followup.services.demo",
    "quality.services.demo",
    "external_rx.services.demo",
]


def test_the_domains_seed_their_demo_in_order(app):
    seeds = sorted(app.extensions["demo_seeds"], key=lambda d: d.order)
    assert [seed.seed.__module__ for seed in seeds] == DOMAIN_SEEDS


def test_the_demo_elder_finds_each_large_button_leading_somewhere_and_her_son_acts_for_her(
    app, runner, client
):
    """demo-elder (长辈模式 on): a visit today, medicine shipped, a next treatment; demo-family
    acts for her under her standing consent (家人代办) and sees her visit."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo-elder" in result.output and "demo-family" in result.output
    elder = db.session.scalar(sa.select(User).where(User.username == "demo-elder"))
    son = db.session.scalar(sa.select(User).where(User.username == "demo-family"))
    assert elder.elder_mode and not son.elder_mode
    elder_patient = db.session.scalar(sa.select(Patient).where(Patient.user_id == elder.id))
    son_patient = db.session.scalar(sa.select(Patient).where(Patient.user_id == son.id))
    orders = db.session.scalars(
        sa.select(DecoctionOrder).where(DecoctionOrder.patient_id == elder_patient.id)
    ).all()
    assert [o.status for o in orders] == ["shipped"]
    bookings = db.session.scalars(
        sa.select(Booking).where(Booking.patient_id == elder_patient.id)
    ).all()
    assert len(bookings) == 1
    consent = db.session.scalar(sa.select(FamilyProxy))
    assert (consent.elder_id, consent.proxy_id) == (elder_patient.id, son_patient.id)
    assert consent.revoked_at is None
    assert elder_patient.id in own_patient_ids(son)

    login(client, elder, DEMO_PASSWORD)
    home = client.get("/me").get_data(as_text=True)
    assert "elder-tasks" in home and "今天，张明远医生。" in home  # 我今天的就诊: today's visit
    assert "还没有预约治疗" not in home and "下一次：" in home  # 我的下次治疗: the booking
    medicine = client.get("/herbs/mine").get_data(as_text=True)
    assert "陈桂兰" in medicine
    client.post("/logout")

    login(client, son, DEMO_PASSWORD)
    home = client.get("/me").get_data(as_text=True)
    assert "elder-tasks" not in home
    assert "就诊人：陈桂兰" in home  # her visit, on his list
