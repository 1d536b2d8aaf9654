"""Home visits (上门护理): booking at an address inside the area, the travel the practitioner's
cells hold (no clinic session or other visit in the way there or back), refusals that say what
is possible instead and write nothing, the route, the door's check-in and check-out, the overrun
alert once per visit, and the calendar's travel blocks and the day sheet's addresses."""

from datetime import timedelta

import pytest
import time_machine

from tcm_app.common.errors import ConflictError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.inbox import InboxMessage
from tests.factories import create_patient, create_user
from tests.treatments.helpers import NO, at, clinic_today, home_clinic
from treatments.booking_rules import BookingStatus
from treatments.models import Booking, BookingCell
from treatments.services import availability, bookings, calendar, documents, home_visits, moves
from treatments.services.catalogue import therapy_by_code
from treatments.services.home_overruns import alert_overruns

AT_HOME = {"someone_present": True, "bed_space": True, "pets": False}


def home_request(address, start, practitioner, therapy_code="tuina", home=AT_HOME):
    therapy = therapy_by_code(therapy_code)
    return home_visits.HomeRequest(
        therapy, address.id, start, practitioner.user_id, dict(NO), dict(home)
    )


def test_a_home_visit_holds_its_practitioner_for_the_travel_and_the_patient_for_the_visit(app):
    practitioner, patient, inside, _outside = home_clinic()
    booking = home_visits.book(patient.user, patient, home_request(inside, at(1, 10), practitioner))
    db.session.commit()
    assert (booking.place, booking.resource_id, booking.travel_minutes) == ("home", None, 30)
    assert booking.ends_at - booking.starts_at == timedelta(minutes=40)  # tuina at home
    holders = [c.holder for c in db.session.query(BookingCell).filter_by(booking_id=booking.id)]
    assert holders.count(f"practitioner:{practitioner.user_id}") == (30 + 40 + 30) // 5
    assert holders.count(f"patient:{patient.id}") == 40 // 5


def test_an_address_outside_the_area_is_refused_with_the_districts_served(app):
    practitioner, patient, _inside, outside = home_clinic()
    with pytest.raises(ValidationError) as refused:
        home_visits.book(patient.user, patient, home_request(outside, at(1, 10), practitioner))
    assert refused.value.code == "outside_service_area"
    assert refused.value.fields == {"address_id": ["outside_service_area"]}
    assert "朝阳区" in refused.value.params["districts"]
    assert db.session.query(Booking).count() == 0


def test_a_time_without_room_for_the_travel_is_refused_with_the_nearest_that_fit(app):
    practitioner, patient, inside, _outside = home_clinic()
    with pytest.raises(ValidationError) as refused:  # 09:00: no time to get there from 09:00
        home_visits.book(patient.user, patient, home_request(inside, at(1, 9), practitioner))
    assert refused.value.code == "home_time_unavailable"
    offered = [a["start"] for a in refused.value.fields["alternatives"]]
    assert offered[0] == at(1, 9, 30).isoformat()
    assert db.session.query(Booking).count() == 0


def test_nobody_else_at_home_is_not_booked(app):
    practitioner, patient, inside, _outside = home_clinic()
    alone = {**AT_HOME, "someone_present": False}
    with pytest.raises(ValidationError) as refused:
        home_visits.book(
            patient.user, patient, home_request(inside, at(1, 10), practitioner, home=alone)
        )
    assert refused.value.code == "home_alone"
    assert db.session.query(Booking).count() == 0


def test_a_clinic_session_cannot_fall_in_a_home_visits_travel(app):
    practitioner, patient, inside, _outside = home_clinic()
    home_visits.book(patient.user, patient, home_request(inside, at(1, 10), practitioner))
    db.session.commit()  # away 09:30-11:10
    acupuncture = therapy_by_code("acupuncture")
    day = availability.to_local(at(1, 9)).date()
    free = availability.free_slots(acupuncture, day, day, practitioner.user_id)
    assert [s.starts_at for s in free] == [at(1, 11, 15)]  # 40 min sessions to 12:00
    other = bookings.Request(acupuncture, at(1, 9), practitioner.user_id, dict(NO))
    stranger = create_patient(name="李四")
    with pytest.raises((ValidationError, ConflictError)):
        bookings.book(stranger.user, stranger, other)


def test_the_database_refuses_a_second_visit_in_the_travel_time_however_it_got_there(app):
    practitioner, patient, inside, _outside = home_clinic()
    first = home_visits.book(patient.user, patient, home_request(inside, at(1, 10), practitioner))
    db.session.commit()
    racer = Booking(  # as if a simultaneous request had passed every check in Python
        patient_id=patient.id,
        therapy_id=first.therapy_id,
        practitioner_id=practitioner.user_id,
        place="home",
        address_id=inside.id,
        travel_minutes=30,
        starts_at=first.ends_at + timedelta(minutes=15),
        ends_at=first.ends_at + timedelta(minutes=55),
        booked_by_id=patient.user.id,
    )
    db.session.add(racer)
    db.session.flush()
    with pytest.raises(ConflictError):
        home_visits.hold_cells(racer)


def test_the_route_check_in_and_check_out_at_the_door(app):
    practitioner, patient, inside, _outside = home_clinic()
    wanted = home_request(inside, at(1, 10, 45), practitioner)
    late = home_visits.book(patient.user, patient, wanted)
    db.session.commit()
    assert home_visits.route(practitioner.user_id, clinic_today() + timedelta(days=1)) == [late]
    user = practitioner.user
    arrive, leave, again = at(1, 10, 47), at(1, 11, 45), at(1, 11, 50)
    with time_machine.travel(arrive, tick=False):
        moves.check_in(user, late, dict(NO))
        db.session.commit()
    with time_machine.travel(leave, tick=False):
        home_visits.check_out(user, late)
        db.session.commit()
        assert late.checked_out_at == leave
    with time_machine.travel(again, tick=False):
        home_visits.check_out(user, late)  # a second click changes nothing
        db.session.commit()
    assert (late.checked_in_at, late.checked_out_at) == (arrive, leave)


def test_a_home_visit_is_recorded_as_in_the_clinic_then_checked_out(app):
    """The treatment record at the door is the clinic's; leaving after it is still recorded."""
    practitioner, patient, inside, _outside = home_clinic()
    visit = home_visits.book(patient.user, patient, home_request(inside, at(1, 10), practitioner))
    db.session.commit()
    user = practitioner.user
    with time_machine.travel(at(1, 10, 2), tick=False):
        moves.check_in(user, visit, dict(NO))
        moves.complete(user, visit, "肩井、风池 推拿", 40, "无不适")
        home_visits.check_out(user, visit)
        db.session.commit()
    assert visit.status == BookingStatus.COMPLETED and visit.minutes_done == 40
    assert visit.points == "肩井、风池 推拿" and visit.checked_out_at == at(1, 10, 2)


def test_check_out_before_check_in_is_refused(app):
    practitioner, patient, inside, _outside = home_clinic()
    booking = home_visits.book(patient.user, patient, home_request(inside, at(1, 10), practitioner))
    db.session.commit()
    with pytest.raises(ConflictError) as refused:
        home_visits.check_out(practitioner.user, booking)
    assert refused.value.code == "not_checked_in"


def test_an_overrun_visit_is_alerted_once_to_the_practitioner_and_the_clinic(app):
    practitioner, patient, inside, _outside = home_clinic()
    desk = create_user(Role.CLINIC, full_name="前台小李")
    booking = home_visits.book(patient.user, patient, home_request(inside, at(1, 10), practitioner))
    db.session.commit()
    ten, eleven, later = at(1, 10), at(1, 11), at(1, 11, 5)
    almost = eleven - timedelta(minutes=1)
    with time_machine.travel(ten, tick=False):
        moves.check_in(practitioner.user, booking, dict(NO))
        db.session.commit()
    assert alert_overruns(almost) == 0  # ends 10:40, margin 20
    assert alert_overruns(eleven) == 1
    db.session.commit()
    assert alert_overruns(later) == 0
    readers = {
        m.user_id for m in db.session.query(InboxMessage).filter_by(kind="treatment.home_overrun")
    }
    assert readers == {practitioner.user_id, desk.id}


def test_the_calendar_shows_the_travel_and_the_day_sheet_the_addresses_in_route_order(app):
    practitioner, patient, inside, _outside = home_clinic()
    home_visits.book(patient.user, patient, home_request(inside, at(1, 10), practitioner))
    db.session.commit()
    day = clinic_today() + timedelta(days=1)
    view = calendar.day_view(calendar.Query(day, practitioner_id=practitioner.user_id))
    blocks = [b for row in view.rows for cell in row.cells if cell for b in cell.blocks]
    kinds = [(b.kind, b.starts.strftime("%H:%M"), b.ends.strftime("%H:%M")) for b in blocks]
    assert kinds == [
        ("travel", "09:30", "10:00"),
        ("home", "10:00", "10:40"),
        ("travel", "10:40", "11:10"),
    ]
    lines = documents.sheets_for(day, practitioner.user_id)[0].lines
    assert "望京街道 6 号" in lines[0].address and lines[0].place == "朝阳区"


def test_the_reminder_of_a_home_visit_says_the_practitioner_comes_to_the_address(app):
    from treatments.services.reminders import message_for

    practitioner, patient, inside, _outside = home_clinic()
    booking = home_visits.book(patient.user, patient, home_request(inside, at(1, 10), practitioner))
    db.session.commit()
    text = message_for(booking)
    assert text.startswith("上门护理提醒") and "朝阳区" in text and "其他成年人" in text


def test_the_beat_task_alerts_an_overrun_visit_once(app):
    from treatments import tasks

    practitioner, patient, inside, _outside = home_clinic()
    booking = home_visits.book(patient.user, patient, home_request(inside, at(1, 10), practitioner))
    db.session.commit()
    ten, late = at(1, 10), at(1, 11, 30)
    with time_machine.travel(ten, tick=False):
        moves.check_in(practitioner.user, booking, dict(NO))
        db.session.commit()
    with time_machine.travel(late, tick=False):
        assert tasks.alert_home_overruns.run() == 1
        assert tasks.alert_home_overruns.run() == 0
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).overrun_alerted_at == late


def test_a_visit_checked_out_in_time_is_never_alerted(app):
    practitioner, patient, inside, _outside = home_clinic()
    booking = home_visits.book(patient.user, patient, home_request(inside, at(1, 10), practitioner))
    db.session.commit()
    ten, out, late = at(1, 10), at(1, 10, 45), at(1, 12)
    with time_machine.travel(ten, tick=False):
        moves.check_in(practitioner.user, booking, dict(NO))
        db.session.commit()
    with time_machine.travel(out, tick=False):
        home_visits.check_out(practitioner.user, booking)
        db.session.commit()
    assert alert_overruns(late) == 0
