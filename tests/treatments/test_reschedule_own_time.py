"""Rescheduling never offers the booking's own time (moving a booking to where it already is
was offered as a free time and "moved" it nowhere), and refuses it when posted anyway; times
next to it, that overlap its own place, are still offered."""

import html

from tcm_app.extensions import db
from tests.factories import create_practitioner, login
from tests.treatments.helpers import CLINIC, NO, at, small_clinic
from treatments.models import Booking
from treatments.services import bookings
from treatments.services.bookings import Request


def test_the_reschedule_page_leaves_out_the_bookings_own_time(app, client):
    practitioner, patient, therapy = small_clinic(beds=2)
    other = create_practitioner()
    db.session.commit()
    app.config["TREATMENT_CANCEL_HOURS"] = 1
    own = at(2, 9)
    booking = bookings.book(
        patient.user, patient, Request(therapy, own, practitioner.user_id, dict(NO))
    )
    db.session.commit()
    login(client, patient.user)
    url = f"/treatments/bookings/{booking.id}/reschedule"
    day = own.astimezone(CLINIC).date().isoformat()
    page = html.unescape(client.get(url, query_string={"day": day}).get_data(as_text=True))
    assert f'value="{own.isoformat()}|' not in page  # neither with its practitioner nor another
    assert f'value="{at(2, 9, 15).isoformat()}|{practitioner.user_id}"' in page
    assert f'value="{at(2, 10).isoformat()}|{other.user_id}"' in page
    same_place = f"{own.isoformat()}|{practitioner.user_id}"
    response = client.post(url, data={"day": day, "slot": same_place})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).reschedule_count == 0
