"""An online visit's fee by the doctor's title (TCM_VISIT_FEES), paid by the patient from the visit
page through the sandbox provider; in-person visits have no online fee; others' visits 404."""

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.payments import Payment
from tcm_app.services import visit_fees
from tests.factories import create_doctor, create_encounter, create_patient, create_user, login


@pytest.mark.parametrize(
    ("title", "kind", "fee"),
    [
        pytest.param("chief", "online_followup", "50.00", id="chief-physician-follow-up"),
        pytest.param("resident", "online_consultation", "15.00", id="resident-consultation"),
        pytest.param("attending", "in_person", None, id="in-person-visit-has-no-online-fee"),
    ],
)
def test_the_fee_follows_the_doctors_title(app, title, kind, fee):
    doctor = create_doctor()
    doctor.doctor_profile.title = title
    desk = create_user(Role.CLINIC) if kind == "in_person" else None
    encounter = create_encounter(doctor=doctor, kind=kind, actor=desk)
    found = visit_fees.fee_of(encounter)
    assert (str(found.amount) if found else None) == fee


def test_the_patient_pays_the_visit_fee_from_the_visit_page(app, client):
    encounter = create_encounter()
    db.session.commit()
    login(client, encounter.patient.user)
    page = client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
    assert "支付诊查费 ¥25.00" in page
    going = client.post(f"/encounters/{encounter.id}/pay")
    sandbox = going.headers["Location"]
    assert "/payments/sandbox/" in sandbox and "沙箱" in client.get(sandbox).get_data(as_text=True)
    back = client.post(sandbox, data={"confirm": "确认支付"})
    assert back.headers["Location"].endswith(f"/encounters/{encounter.id}")
    page = client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
    assert "已付款" in page and "支付成功" in page and "支付诊查费" not in page
    client.post(f"/encounters/{encounter.id}/pay")  # paid already: nothing more to pay
    page = client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
    assert "本次就诊无需支付费用" in page
    assert db.session.query(Payment).filter_by(status="paid").count() == 1


def test_someone_elses_visit_fee_is_not_found(app, client):
    encounter = create_encounter()
    stranger = create_patient(name="李四").user
    db.session.commit()
    login(client, stranger)
    assert client.post(f"/encounters/{encounter.id}/pay").status_code == 404
