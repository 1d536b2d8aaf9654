"""`flask herbs import` and `flask herbs check`."""

import json

import sqlalchemy as sa

from herbs.models import FormulaTemplate, HerbRecord
from tcm_app.extensions import db


def test_import_is_idempotent_and_keeps_live_stock(app, runner):
    record = db.session.scalar(sa.select(HerbRecord).where(HerbRecord.code == "gancao"))
    record.stock_g = 123
    db.session.commit()
    result = runner.invoke(args=["herbs", "import"])
    assert result.exit_code == 0, result.output
    assert "0 new" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(HerbRecord.id))) >= 400
    assert db.session.scalar(sa.select(sa.func.count(FormulaTemplate.id))) >= 100
    assert db.session.get(HerbRecord, record.id).stock_g == 123


def run_check(runner, body):
    return runner.invoke(args=["herbs", "check"], input=json.dumps(body, ensure_ascii=False))


def test_check_prints_the_findings_as_json(app, runner):
    body = {
        "herbs": [{"name": "炙甘草", "dose_g": 6}, {"name": "海藻", "dose_g": 10}],
        "packets": 7,
        "patient": {"pregnant": False, "age": 40},
    }
    result = run_check(runner, body)
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    assert [f["code"] for f in findings] == ["incompatible_18"]
    assert set(findings[0]) == {"code", "severity", "herbs", "message", "source"}


def test_check_with_a_pregnant_patient(app, runner):
    body = {"herbs": [{"name": "莪术", "dose_g": 6}], "packets": 5, "patient": {"pregnant": True}}
    codes = [f["code"] for f in json.loads(run_check(runner, body).stdout)["findings"]]
    assert codes == ["pregnancy_forbidden"]


def test_check_refuses_bad_json_and_bad_grams(app, runner):
    result = runner.invoke(args=["herbs", "check"], input="{not json")
    assert result.exit_code == 2
    assert json.loads(result.stderr)["error"]["code"] == "invalid_json"
    result = run_check(runner, {"herbs": [{"name": "甘草", "dose_g": 5000}], "packets": 7})
    assert result.exit_code == 2
    assert "herbs.0.dose_g" in json.loads(result.stderr)["error"]["fields"]
