"""Shared set-up for treatment tests: clinic-local times and a small clinic."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tcm_app.extensions import db
from tests.factories import create_bed, create_patient, create_practitioner, open_treatment_clinic
from treatments.services.catalogue import therapy_by_code

CLINIC = ZoneInfo("Asia/Shanghai")
NO = dict.fromkeys(
    [
        "pregnant",
        "bleeding_risk",
        "skin_lesion_at_site",
        "pacemaker",
        "loss_of_sensation",
        "severe_illness",
        "menstruating",
        "fasting_or_exhausted",
    ],
    False,
)


def clinic_today() -> date:
    return datetime.now(CLINIC).date()


def at(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    """An aware UTC moment: `days_ahead` clinic days from today at hour:minute clinic time."""
    day = clinic_today() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), tzinfo=CLINIC).astimezone(UTC)


def small_clinic(beds=1):
    """Clinic open 08-18 daily; one practitioner (acupuncture, cupping, tuina) 09-12 daily;
    `beds` beds; one patient. Committed."""
    open_treatment_clinic()
    practitioner = create_practitioner()
    for n in range(beds):
        create_bed(f"bed-{n + 1}")
    patient = create_patient()
    db.session.commit()
    return practitioner, patient, therapy_by_code("acupuncture")


def home_clinic():
    """`small_clinic` plus two addresses of the patient: one in 朝阳区 (served, 30 minutes'
    travel by default), one in 昌平区 (not served). Committed."""
    from tcm_app.services.patients import add_address

    practitioner, patient, _therapy = small_clinic()
    inside = add_address(
        patient,
        "王丽",
        "13812345678",
        "北京市 / 北京市 / 朝阳区",
        "望京街道 6 号",
        True,
        patient.user,
    )
    outside = add_address(
        patient,
        "王丽",
        "13812345678",
        "北京市 / 北京市 / 昌平区",
        "回龙观 1 号",
        False,
        patient.user,
    )
    db.session.commit()
    return practitioner, patient, inside, outside
