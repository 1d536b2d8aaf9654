"""`flask import-reference`: the reference data every installed domain registers, loaded in one
command (make run calls it), safe to repeat; a loader that refuses its data leaves nothing half
written and the command fails with the reason."""

import sqlalchemy as sa

from herbs.models import HerbRecord
from tcm_app.extensions import db
from tcm_app.services.reference_data import add_reference_loader
from treatments.models import Therapy


def test_every_domain_loader_runs_in_installed_order_and_repeats_safely(app, runner):
    names = [loader.name for loader in app.extensions["reference_loaders"]]
    assert names == ["herbs", "treatments"]
    result = runner.invoke(args=["import-reference"])
    assert result.exit_code == 0, result.output
    herbs_line, therapies_line = result.output.splitlines()
    assert herbs_line.startswith("herbs: ") and "0 new" in herbs_line  # the test database has them
    assert therapies_line.startswith("therapies: ")
    assert db.session.scalar(sa.select(sa.func.count(HerbRecord.id))) >= 400
    assert db.session.scalar(sa.select(sa.func.count(Therapy.id))) >= 1


def test_a_refusing_loader_fails_the_command_and_rolls_back_the_others(app, runner):
    record = db.session.scalar(sa.select(HerbRecord).where(HerbRecord.code == "gancao"))
    record.stock_g = 77
    db.session.commit()

    def broken() -> str:
        raise ValueError("therapies.yaml: row 3 has no code")

    def touches_stock() -> str:
        db.session.get(HerbRecord, record.id).stock_g = 0
        db.session.flush()
        return "stock touched"

    add_reference_loader(app, "touches", touches_stock)
    add_reference_loader(app, "broken", broken)
    result = runner.invoke(args=["import-reference"])
    assert result.exit_code != 0
    assert "row 3 has no code" in result.output
    db.session.expire_all()
    assert db.session.get(HerbRecord, record.id).stock_g == 77
