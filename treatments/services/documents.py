"""The printed treatment day sheet (治疗日程单): per practitioner, the day's sessions with the
screening flags and a blank column for notes and signature (WeasyPrint through tcm_app.pdf).
An internal paper: full names are shown, ID numbers never."""

from dataclasses import dataclass
from datetime import date

from flask import current_app

from tcm_app.labels import label
from tcm_app.models.types import utcnow
from tcm_app.pdf import render_pdf
from treatments.services import availability, calendar


@dataclass(frozen=True)
class SheetLine:
    time: str
    therapy: str
    place: str
    patient: str
    status: str
    flags: list
    address: str = ""  # a home visit's full address (this paper stays in the clinic)


@dataclass(frozen=True)
class Sheet:
    practitioner: str
    lines: list


def findings(booking) -> list[str]:
    """Every question a screening of this booking answered "yes" to, labelled, once each;
    a check-in block first says the patient is not treated today."""
    seen, found = set(), []
    for screening in booking.screenings:
        for finding in screening.findings or []:
            if finding["question"] not in seen:
                seen.add(finding["question"])
                found.append(
                    f"{label(finding['question'])} ({label('screening_' + finding['severity'])})"
                )
    last = booking.screenings[-1] if booking.screenings else None
    if last is not None and last.stage == "check_in" and last.outcome == "block":
        found.insert(0, "今日不予治疗，需改约")
    return found


def sheets_for(day: date, practitioner_id: int | None = None) -> list[Sheet]:
    by_practitioner: dict = {}
    for booking in calendar.bookings_between(day, day, practitioner_id):
        starts = availability.to_local(booking.starts_at)
        ends = availability.to_local(booking.ends_at)
        line = SheetLine(
            f"{starts:%H:%M}–{ends:%H:%M}",
            booking.therapy.name,
            calendar.place_of(booking),
            booking.patient.legal_name,
            booking.status,
            findings(booking),
            _address(booking),
        )
        name = booking.practitioner.user.full_name
        by_practitioner.setdefault((booking.practitioner_id, name), []).append(line)
    return [Sheet(name, lines) for (_, name), lines in sorted(by_practitioner.items())]


def _address(booking) -> str:
    if not booking.at_home or booking.address is None:
        return ""
    leg = booking.travel_minutes
    return f"上门：{booking.address.region} {booking.address.detail}（单程约 {leg} 分钟）"


def day_sheet_pdf(day: date, practitioner_id: int | None = None) -> bytes:
    """A4, one section per practitioner (a page each)."""
    return render_pdf(
        "treatments/pdf/day_sheet.html",
        hospital_name=current_app.config["HOSPITAL_NAME"],
        day=day,
        sheets=sheets_for(day, practitioner_id),
        printed_at=availability.to_local(utcnow()),
    )
