"""Demo treatment clinic: opening hours, two practitioners, beds and a moxibustion room."""

from datetime import time

from tcm_app.extensions import db
from treatments.services import catalogue

CLINIC_DAYS = range(6)  # Monday to Saturday; closed on Sunday
BEDS = [
    ("bed-1", "1号床", ()),
    ("bed-2", "2号床", ()),
    ("bed-3", "3号床", ()),
    ("bed-4", "4号床", ()),
    ("bed-5", "5号床（电针）", ("electro_stimulator",)),
    ("bed-6", "6号床（电针）", ("electro_stimulator",)),
]


def seed_treatments(doctor, therapist, recommend_for=None) -> None:
    """`doctor` needles and cups; `therapist` does 推拿, 艾灸 and 贴敷. Flushes."""
    catalogue.import_therapies()
    for weekday in CLINIC_DAYS:
        catalogue.set_weekly_hours(None, weekday, [(time(8), time(17, 30))])
    for code, name, equipment in BEDS:
        catalogue.add_resource(code, name, "bed", 1, equipment)
    catalogue.add_resource("moxa-room", "艾灸室（排烟）", "room", 3, ("smoke_extraction",))
    catalogue.make_practitioner(doctor, ("acupuncture", "cupping"))
    catalogue.make_practitioner(therapist, ("tuina", "moxibustion", "application", "cupping"))
    for weekday in CLINIC_DAYS:
        catalogue.set_weekly_hours(doctor.id, weekday, [(time(8, 30), time(11, 30))])
        catalogue.set_weekly_hours(
            therapist.id, weekday, [(time(9), time(12)), (time(13, 30), time(17))]
        )
    db.session.flush()
