"""`flask treatments import`: loads the reviewed catalogue, safe to repeat, refuses a bad row."""

import pytest
import sqlalchemy as sa

from tcm_app.extensions import db
from treatments.models import Therapy
from treatments.services import catalogue


def test_import_is_safe_to_repeat_and_keeps_one_row_per_code(app, runner):
    first = runner.invoke(args=["treatments", "import"])
    second = runner.invoke(args=["treatments", "import"])
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert "therapies: 8" in second.output
    assert db.session.scalar(sa.select(sa.func.count(Therapy.id))) == 8
    moxa = catalogue.therapy_by_code("moxibustion")
    assert moxa.resource_kind == "room" and moxa.equipment == ["smoke_extraction"]
    assert catalogue.therapy_by_code("cupping").contraindications["bleeding_risk"] == "block"


def test_a_bad_row_stops_the_import_and_names_the_problem(app, runner, tmp_path):
    bad = tmp_path / "therapies.yaml"
    bad.write_text(
        "therapies:\n  - {code: x1, name: 怪, minutes: 7, resource_kind: bed, "
        "qualification: a, price: '1.00'}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["treatments", "import", "--file", str(bad)])
    assert result.exit_code != 0
    assert "bad_minutes" in result.output
    assert db.session.scalar(sa.select(Therapy).where(Therapy.code == "x1")) is None


@pytest.mark.parametrize(
    "text",
    ["therapies: [", "therapies: 3\n", "- just a list\n"],
    ids=["broken-yaml", "therapies-not-a-list", "no-therapies-key"],
)
def test_a_malformed_file_is_refused_with_a_message(app, runner, tmp_path, text):
    bad = tmp_path / "therapies.yaml"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["treatments", "import", "--file", str(bad)])
    assert result.exit_code == 1 and "therapies.yaml" in result.output
