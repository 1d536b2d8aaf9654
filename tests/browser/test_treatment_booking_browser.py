"""On a phone-sized screen in headless Chromium: the patient books an acupuncture session through
the pages (therapy and day → a free time → screening → confirm) and lands on the booking page,
which does not scroll sideways. CSRF is on, as in production."""

import sqlalchemy as sa

from tcm_app.extensions import db
from tests.browser.pages import sign_in
from tests.factories import PASSWORD
from tests.treatments.helpers import at, small_clinic
from treatments.models import Booking


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_patient_books_a_treatment_on_a_phone(app, live_server, phone_page):
    practitioner, patient, _therapy = small_clinic()
    username, practitioner_id = patient.user.username, practitioner.user_id
    db.session.remove()  # release SQLite's lock before the browser's requests arrive

    page = phone_page
    sign_in(page, live_server, username, PASSWORD)
    page.goto(f"{live_server}/treatments/")
    assert no_sideways_scroll(page), "my treatments scrolls sideways on a phone"
    page.locator("a[href='/treatments/book']").first.click()
    page.wait_for_url(f"{live_server}/treatments/book")
    page.check("input[name=therapy][value=acupuncture]")
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_load_state()
    assert no_sideways_scroll(page), "the free times scroll sideways on a phone"
    page.locator("a.slot", has_text="09:00").first.click()
    page.wait_for_load_state()
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    assert no_sideways_scroll(page), "the screening scrolls sideways on a phone"
    page.locator("main form[method=post] button.btn-primary").click()
    page.wait_for_url(f"{live_server}/treatments/bookings/*")
    assert "09:00" in page.inner_text("body")
    assert no_sideways_scroll(page), "the booking page scrolls sideways on a phone"
    booking = db.session.scalar(sa.select(Booking))
    assert (booking.practitioner_id, booking.starts_at, booking.status) == (
        practitioner_id,
        at(1, 9),
        "booked",
    )
