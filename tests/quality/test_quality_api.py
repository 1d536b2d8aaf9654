"""The daily figures over the API (/api/v1/quality/daily-figures), for the supervision
platform: a quality officer's or administrator's token reads a computed day (audited); a day
not computed is 404, a missing or malformed day 422 in Chinese, other roles 403."""

from datetime import date

import pytest
import sqlalchemy as sa

from quality.services import figures
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.audit import AuditEntry
from tests.api.helpers import API, api_error
from tests.factories import bearer, create_user

DAY = date(2026, 3, 2)


@pytest.mark.parametrize("role", [Role.QUALITY, Role.ADMIN])
def test_an_operator_reads_a_computed_day(app, client, role):
    figures.compute(DAY, "cli")
    db.session.commit()
    response = client.get(
        f"{API}/quality/daily-figures?day=2026-03-02", headers=bearer(create_user(role))
    )
    body = response.get_json()
    assert response.status_code == 200 and body["day"] == "2026-03-02"
    assert body["format"] == "tcm-hospital.quality.daily-figures/1"
    assert body["fields"]["visits"]["unit"] == "count"
    assert [row["scope"] for row in body["rows"]][:1] == ["hospital"]
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "quality.figures_export" in actions


@pytest.mark.parametrize(
    "query, status, code",
    [("?day=2026-03-03", 404, "no_figures"), ("", 422, "figures_day_required"),
     ("?day=3月2日", 422, "figures_day_required")],
    ids=["a day not computed", "no day", "a day not as YYYY-MM-DD"],
)  # fmt: skip
def test_a_day_that_cannot_be_read_is_refused(app, client, query, status, code):
    response = client.get(
        f"{API}/quality/daily-figures{query}", headers=bearer(create_user(Role.QUALITY))
    )
    api_error(response, status, code)


@pytest.mark.parametrize("role", [Role.DOCTOR, Role.PHARMACIST, Role.PATIENT])
def test_other_roles_are_refused(app, client, role):
    headers = bearer(create_user(role))
    response = client.get(f"{API}/quality/daily-figures?day=2026-03-02", headers=headers)
    api_error(response, 403, "forbidden")
