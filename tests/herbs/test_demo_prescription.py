"""The demo holds a prescription waiting for the pharmacist: on day one the review can be tried."""

import sqlalchemy as sa

from herbs.models import Prescription
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.services.demo import DEMO_PASSWORD
from tests.factories import login


def test_the_demo_pharmacist_finds_a_prescription_waiting(app, runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    waiting = db.session.scalars(
        sa.select(Prescription).where(Prescription.status == "pending_review")
    ).all()
    assert len(waiting) == 1
    assert [line.written_name for line in waiting[0].lines] == ["党参", "白术", "茯苓", "炙甘草"]

    pharmacist = db.session.scalar(sa.select(User).where(User.username == "demo-pharmacist"))
    login(client, pharmacist, DEMO_PASSWORD)
    landing = client.get("/").headers["Location"]
    home = client.get(landing).get_data(as_text=True)
    assert "王丽" in home and f"/herbs/prescriptions/{waiting[0].id}" in home
