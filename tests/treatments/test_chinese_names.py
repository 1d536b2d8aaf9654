"""Therapy, bed/room and qualification names read in Chinese on the treatment pages: no stored
code (`acupuncture`, `tuina`, `bed-1` ...) is shown as text on a Chinese page."""

import html
import re

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import create_user, login
from tests.treatments.helpers import NO, at, small_clinic
from treatments.services import bookings
from treatments.services.bookings import Request
from treatments.services.catalogue import make_practitioner

CODES = ("acupuncture", "tuina", "cupping", "moxibustion", "application", "bed-1")


def visible_text(page: str) -> str:
    """What a reader sees in Chinese: tags, scripts, attribute values and text marked as another
    language (an English therapy name with lang="en") gone."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def clinic(app):
    practitioner, patient, therapy = small_clinic()
    therapist = create_user(Role.CLINIC, full_name="刘建国")
    make_practitioner(therapist, ("tuina", "moxibustion", "application", "cupping"))
    booking = bookings.book(
        patient.user, patient, Request(therapy, at(2, 9), practitioner.user_id, dict(NO))
    )
    db.session.commit()
    return practitioner, therapist, therapy, booking


def pages(practitioner, therapist, therapy, booking) -> list[str]:
    return [
        "/treatments/admin/",
        f"/treatments/admin/practitioners/{practitioner.user_id}",
        f"/treatments/admin/practitioners/{therapist.id}",
        f"/treatments/admin/therapies/{therapy.id}",
        f"/treatments/bookings/{booking.id}",
        f"/treatments/calendar?date={booking.starts_at.date().isoformat()}",
    ]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CLINIC])
def test_no_code_shows_on_the_treatment_pages(app, client, clinic, role):
    login(client, create_user(role))
    for path in pages(*clinic):
        response = client.get(path)
        if response.status_code in (403, 404):  # the admin sees no bookings, as in the core
            continue
        assert response.status_code == 200, path
        text = visible_text(response.get_data(as_text=True))
        shown = [code for code in CODES if re.search(rf"(?<![\w-]){code}(?![\w-])", text)]
        assert shown == [], f"{path}: {shown}"


def test_qualifications_have_chinese_names(app, client, clinic):
    login(client, create_user(Role.ADMIN))
    _practitioner, therapist, _therapy, _booking = clinic
    text = visible_text(
        client.get(f"/treatments/admin/practitioners/{therapist.id}").get_data(as_text=True)
    )
    for name in ("推拿", "艾灸", "贴敷", "拔罐"):
        assert name in text
