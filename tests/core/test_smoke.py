from tests.factories import create_encounter, login


def test_doctor_sees_encounter(app, client):
    encounter = create_encounter()
    from tcm_app.extensions import db

    db.session.commit()
    login(client, encounter.doctor)
    response = client.get(f"/encounters/{encounter.id}")
    assert response.status_code == 200
