"""Demo treatment clinic: opening hours, two practitioners, beds and a moxibustion room, one
booking of demo-patient for the desk to check in, and a home visit (上门推拿) at her address for
the therapist's route (the default service area serves her district, 朝阳区); the demo elder's
next 推拿 (her 我的下次治疗)."""

from datetime import time, timedelta

from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.services.clock import clinic_today, utc_now
from treatments.screening import questions_for
from treatments.services import availability, bookings, catalogue, home_visits

# Open every day (the demo lets a newcomer try the journeys on any weekday), into the evening.
CLINIC_DAYS = range(7)
BEDS = [
    ("bed-1", "1号床", ()),
    ("bed-2", "2号床", ()),
    ("bed-3", "3号床", ()),
    ("bed-4", "4号床", ()),
    ("bed-5", "5号床（电针）", ("electro_stimulator",)),
    ("bed-6", "6号床（电针）", ("electro_stimulator",)),
]


def seed_treatments(doctor, therapist, recommend_for=None, book_for=None, home=None) -> None:
    """`doctor` needles and cups; `therapist` does 推拿, 艾灸 and 贴敷; `book_for` (a patient)
    gets the therapist's next free 推拿 (today when there is still time); `home` (an address of
    that patient) a home 推拿 with the therapist on the next free day. Flushes."""
    catalogue.import_therapies()
    for weekday in CLINIC_DAYS:
        catalogue.set_weekly_hours(None, weekday, [(time(8), time(21))])
    for code, name, equipment in BEDS:
        catalogue.add_resource(code, name, "bed", 1, equipment)
    catalogue.add_resource("moxa-room", "艾灸室（排烟）", "room", 3, ("smoke_extraction",))
    catalogue.make_practitioner(doctor, ("acupuncture", "cupping"))
    catalogue.make_practitioner(therapist, ("tuina", "moxibustion", "application", "cupping"))
    for weekday in CLINIC_DAYS:
        catalogue.set_weekly_hours(doctor.id, weekday, [(time(8, 30), time(11, 30))])
        catalogue.set_weekly_hours(
            therapist.id, weekday, [(time(9), time(12)), (time(13, 30), time(20, 30))]
        )
    db.session.flush()
    if book_for is not None:
        _book_next_tuina(therapist, book_for)
        if home is not None:
            _book_home_tuina(therapist, book_for, home)


def _book_next_tuina(therapist, patient) -> None:
    tuina = catalogue.therapy_by_code("tuina")
    today, now = clinic_today(), utc_now() + timedelta(minutes=30)
    free = availability.free_slots(tuina, today, today + timedelta(days=1), therapist.id, None, now)
    if not free:
        return
    answers = dict.fromkeys(questions_for(tuina.contraindications or {}, "booking"), False)
    wanted = bookings.Request(tuina, free[0].starts_at, therapist.id, answers)
    bookings.book(patient.user, patient, wanted)


def _book_home_tuina(therapist, patient, address) -> None:
    """Tomorrow's first free home 推拿 (the route page shows it; the day sheet lists it)."""
    tuina = catalogue.therapy_by_code("tuina")
    try:
        travel = home_visits.travel_to(address)
    except TCMError:  # the demo address outside a changed service area: no home visit
        return
    tomorrow = clinic_today() + timedelta(days=1)
    free = home_visits.free_slots(tuina, travel, tomorrow, tomorrow, therapist.id, patient.id)
    if not free:
        return
    answers = dict.fromkeys(questions_for(tuina.contraindications or {}, "booking"), False)
    at_home = {"someone_present": True, "bed_space": True, "pets": False}
    wanted = home_visits.HomeRequest(
        tuina, address.id, free[0].starts_at, therapist.id, answers, at_home
    )
    home_visits.book(patient.user, patient, wanted)


def seed_demo(world) -> None:
    """The treatments part of `flask seed-demo` (world: tcm_app.services.demo.DemoWorld)."""
    therapist = world.staff["demo-therapist"]
    seed_treatments(world.doctor, therapist, book_for=world.patient, home=world.address)
    if world.elder is not None:
        _book_next_tuina(therapist, world.elder)
