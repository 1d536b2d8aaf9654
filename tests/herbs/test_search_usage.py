"""The clinic's own prescribing breaks search ties, counted from signed prescriptions and
recounted once per clinic day (drafts never count)."""

from datetime import UTC, datetime, timedelta

import time_machine

from herbs.services import catalogue, prescriptions
from tcm_app.extensions import db
from tests.factories import SIGNING_PASSWORD, create_prescribable_encounter

MORNING = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in the clinic


def first(query):
    found = catalogue.current_catalogue()
    return found.index.by_code[found.search.search(query, 5)[0].code].name


def write_fenbixie(sign: bool):
    encounter = create_prescribable_encounter()
    rx = prescriptions.open_draft(encounter, encounter.doctor)
    prescriptions.save_draft(rx, encounter.doctor, [{"name": "粉萆薢", "dose_g": 10}], 7, "每日1剂")
    if sign:
        prescriptions.sign(rx, encounter.doctor, SIGNING_PASSWORD, {})
    db.session.commit()


def test_signed_prescriptions_reorder_ties_from_the_next_clinic_day(app, monkeypatch):
    monkeypatch.setattr(catalogue, "STAMP_SECONDS", 0)
    with time_machine.travel(MORNING, tick=False) as traveller:
        catalogue.invalidate()
        assert first("fbx") == "法半夏"  # before any history: the shipped commonness
        for _ in range(3):
            write_fenbixie(sign=False)
        traveller.move_to(MORNING + timedelta(days=1))
        assert first("fbx") == "法半夏", "drafts are not prescribing"
        write_fenbixie(sign=True)
        assert first("fbx") == "法半夏", "counted once a day, not on every signature"
        traveller.move_to(MORNING + timedelta(days=2))
        assert first("fbx") == "粉萆薢"
        assert first("huangqi") == "黄芪"
