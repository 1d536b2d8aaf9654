"""The database goes away under a request (restarted, failed over, a cut connection): the answer
is a clean 503 with Retry-After, a request the client can send again; never a 500. The answer
needs no database itself: neither the signed-in user's language nor the page's menu is looked up
while the database is out of reach."""

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tcm_app.extensions import db
from tests.factories import bearer, create_patient, login


class DatabaseDown:
    """From `cut()` on, every statement fails as a lost connection does."""

    def __init__(self, engine):
        self.engine, self.down = engine, False
        event.listen(engine, "before_cursor_execute", self.refuse)

    def refuse(self, *args, **kwargs):
        if self.down:
            raise OperationalError("SELECT", {}, Exception("terminating connection"))

    def cut(self):
        self.down = True

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self.refuse)


@pytest.fixture
def outage(app):
    down = DatabaseDown(db.engine)

    @app.get("/test-outage/page")
    @app.get("/api/v1/test-outage")
    def lose_the_database():
        down.cut()
        db.session.expire_all()  # what a failed transaction does: nothing loaded is trusted
        db.session.execute(db.select(1))

    lose_the_database.allowed_roles = frozenset()
    yield down
    down.close()


def test_an_api_request_gets_a_retryable_503_in_json(app, client, outage):
    patient = create_patient()
    headers = bearer(patient.user)
    db.session.commit()
    response = client.get("/api/v1/test-outage", headers=headers)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    error = response.get_json()["error"]
    assert error["code"] == "database_unavailable"
    assert error["message"] == "服务暂时不可用，请稍后重试。"


def test_a_signed_in_page_gets_a_503_page_of_its_own_in_chinese(app, client, outage):
    patient = create_patient()
    db.session.commit()
    login(client, patient.user)
    response = client.get("/test-outage/page")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "服务暂时不可用，请稍后重试。" in page and "本页几秒后会自动刷新。" in page
    assert response.headers["Retry-After"] == "2"
