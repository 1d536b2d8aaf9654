"""Every page each role can reach by links speaks Chinese: sign in, follow the navigation and every
same-origin link on each page reached (GET only, a few dozen pages per role), and let the journey
watcher fail on a 5xx, a console error or an English sentence. A stricter scan here also fails on
single English words (table headers, badges, buttons, raw codes) outside code and `lang` text."""

import re
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.a11y.walk import is_html_page, links_on, path_shape
from tests.factories import (
    PASSWORD,
    SIGNING_PASSWORD,
    approved_prescription,
    create_bed,
    create_pharmacist,
    create_practitioner,
    create_prescribable_encounter,
    create_user,
    open_treatment_clinic,
    signed_prescription,
)
from tests.journeys.conftest import sign_in
from tests.journeys.test_patient_header_on_a_phone import OVERLAPS

PAGES_PER_ROLE = 40
PER_SHAPE = 3  # pages that differ only by an id: a few of them (a visit with and without a rx)

# Single Latin words a Chinese page may show: units, abbreviations the clinic uses in Chinese too.
ALLOWED_WORDS = {
    "PDF",
    "TDP",  # the TDP lamp (TDP 神灯), named so in Chinese clinics
    "JPEG",
    "PNG",
    "QR",
    "ID",
    "ICD",
    "GB",
    "mg",
    "ml",
    "kg",
    "cm",
    "Web",
    "API",
    "HTTPS",
    "CSV",  # the daily figures' downloads (下载 CSV, 下载 JSON)
    "JSON",
}

LATIN_WORDS = r"""() => {
  const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "CODE", "KBD", "SAMP"]);
  const WORD = /\b[A-Za-z][A-Za-z_]+\b/g;
  const found = [];
  const note = (text, el, how) => {
    for (const word of text.match(WORD) || []) {
      found.push([word, `<${el.tagName.toLowerCase()}${how}> "${text.trim().slice(0, 60)}"`]);
    }
  };
  const foreign = (el) => el.closest("[lang]:not([lang^=zh])");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || SKIP.has(el.tagName) || el.tagName === "OPTION" || foreign(el)) continue;
    if (el.closest("[hidden], [aria-hidden=true]")) continue;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    note(node.textContent, el, "");
  }
  for (const el of document.querySelectorAll("option")) {
    if (!foreign(el)) note(el.textContent, el, "");
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title], [alt]")) {
    if (foreign(el)) continue;
    for (const attr of ["placeholder", "aria-label", "title", "alt"]) {
      note(el.getAttribute(attr) || "", el, ` ${attr}`);
    }
  }
  return found;
}"""


def clinic_moment(days_ahead: int, hour: int) -> datetime:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    day = datetime.now(zone).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour), zone).astimezone(UTC)


DANGSHEN_DANGGUI = (("党参", 15), ("当归", 12))


def build_world() -> dict:
    """A realistic day: a visit with a document, diagnosis and an approved prescription, an order,
    a consult booking, a treatment booking and a tongue photo. Returns each role's username."""
    from consults.services import booking as consults
    from decoction.services import orders
    from diagnosis.services import tongue
    from herbs.services import prescriptions
    from tcm_app.services import patients
    from treatments.services import bookings, catalogue

    encounter = create_prescribable_encounter()
    doctor, patient = encounter.doctor, encounter.patient
    pharmacist = create_pharmacist()
    rx = approved_prescription(encounter=encounter, pharmacist=pharmacist)
    rows = [{"name": "黄芪", "dose_g": 30}, {"name": "当归", "dose_g": 10}]
    address = patients.add_address(
        patient, "王丽", "13812345678", "北京市朝阳区", "某路1号", True, patient.user
    )
    orders.place_order(rx, patient.user, "decocted", "delivery", address.id)
    second = create_prescribable_encounter(patient=patient, doctor=doctor)
    draft = prescriptions.open_draft(second, doctor)
    prescriptions.save_draft(draft, doctor, rows, 5, "每日1剂")
    prescriptions.sign(draft, doctor, SIGNING_PASSWORD, {})
    photo = tongue.add_tongue_image(encounter, patient.user, tongue_jpeg(), "gallery")
    tongue.analyze_stored(photo)
    prescriptions.open_draft(create_prescribable_encounter(patient=patient, doctor=doctor), doctor)
    returned = signed_prescription(DANGSHEN_DANGGUI, patient=patient, doctor=doctor)
    prescriptions.review(returned, pharmacist, False, "当归剂量偏大，请调整", SIGNING_PASSWORD)
    decoction_staff = [create_user(Role.DECOCTION, full_name=name) for name in ("赵师傅", "钱师傅")]
    shipped_order(
        signed_prescription(DANGSHEN_DANGGUI, patient=patient, doctor=doctor),
        pharmacist,
        address,
        decoction_staff,
    )

    for weekday in range(7):
        consults.add_session(doctor, weekday, time(9), time(12), 15)
    consults.book(patient.user, patient, doctor, clinic_moment(2, 9), "online_followup", "复诊")

    catalogue.import_therapies()
    open_treatment_clinic()
    therapist = create_user(Role.CLINIC, username="therapist-sweep", full_name="刘建国")
    create_practitioner(user=therapist)
    create_bed("bed-1")
    request = bookings.Request(
        catalogue.therapy_by_code("tuina"), clinic_moment(3, 10), therapist.id, _no_risks()
    )
    bookings.book(patient.user, patient, request)
    quality = create_user(Role.QUALITY, full_name="周敏")
    quality_world(patient, pharmacist)
    users = {
        "patient": patient.user.username,
        "elder": elder_world(patient).username,
        "doctor": doctor.username,
        "pharmacist": pharmacist.username,
        "decoction": decoction_staff[0].username,
        "clinic": create_user(Role.CLINIC, full_name="陈静").username,
        "therapist": therapist.username,
        "admin": create_user(Role.ADMIN, full_name="系统管理员").username,
        "quality": quality.username,
    }
    db.session.commit()
    db.session.remove()
    return users


def elder_world(family_member=None):
    """An elder in 长辈模式 (issue 22) with a prescription, who lets `family_member` act for her
    (家人代办): her pages list the consent, the family member's list her."""
    from tcm_app.services import family_proxies
    from tcm_app.services.clock import clinic_today
    from tests.factories import create_patient

    elder = create_patient(birth=clinic_today() - timedelta(days=78 * 366), name="李奶奶")
    elder.user.elder_mode = True
    if family_member is not None:
        signed_prescription(DANGSHEN_DANGGUI, patient=elder)
        family_proxies.grant(
            elder,
            family_member.user.username,
            family_member.legal_name,
            "family_child",
            True,
            elder.user,
        )
    return elder.user


def quality_world(patient, pharmacist) -> None:
    """A rated and appealed visit, a complaint waiting and yesterday's figures (issue 19)."""
    from quality.services import complaints, figures, ratings
    from tcm_app.services import encounters

    visit = create_prescribable_encounter(patient=patient)
    encounters.complete_encounter(visit, visit.doctor)
    rating = ratings.rate(patient.user, "encounter", visit.id, 2, "等待时间较长")
    ratings.appeal(visit.doctor, rating.id, "患者未按时上线")
    complaints.file(patient.user, patient.id, f"encounter:{visit.id}", "配送太慢")
    figures.compute(datetime.now(UTC).date() - timedelta(days=1), "cli")


def shipped_order(rx, pharmacist, address, staff):
    """An approved prescription's order, paid and moved through the decoction room to shipped."""
    from decoction.services import orders, payments
    from herbs.services import prescriptions

    prescriptions.review(rx, pharmacist, True, "", SIGNING_PASSWORD)
    order = orders.place_order(rx, rx.encounter.patient.user, "raw", "delivery", address.id)
    dispenser, checker = staff
    payments.mark_paid(order, dispenser, "pay")
    weighed = {line.written_name: line.dose_g * rx.packets for line in rx.lines}
    orders.apply_move(order, "dispense", dispenser, {"weighed_g": weighed}, "dispense")
    orders.apply_move(order, "check", checker, {}, "check")
    orders.apply_move(order, "package", checker, {"bags": 7}, "package")
    orders.apply_move(order, "ship", checker, {"courier": "顺丰", "tracking_number": "SF1"}, "ship")
    return order


def tongue_jpeg() -> bytes:
    import cv2

    from tests.diagnosis.conftest import synthetic_photo

    return cv2.imencode(".jpg", synthetic_photo()[0])[1].tobytes()


def _no_risks() -> dict:
    from tests.treatments.helpers import NO

    return dict(NO)


def sweep(page, base: str, phone: bool, usernames=()) -> tuple[list[str], list[str]]:
    """Visit every reachable page (a few of each shape); return what was visited and the English
    (and, on a phone, the crowded masked IDs) seen. Usernames are identifiers, not English: an
    account picker may show them beside the name."""
    identifiers = {part for name in usernames for part in re.findall(r"[A-Za-z_]+", name)}
    queue, opened, per_shape, visited, english = [page.url], set(), Counter(), [], []
    while queue and len(visited) < PAGES_PER_ROLE:
        url = queue.pop(0)
        key = path_shape(urlsplit(url).path) + ("?" if urlsplit(url).query else "")
        if url in opened or per_shape[key] >= PER_SHAPE:
            continue
        opened.add(url)
        per_shape[key] += 1
        if not is_html_page(page, url):
            continue
        response = page.goto(url)
        if response is None or response.status >= 400 or not page.url.startswith(base):
            continue
        visited.append(urlsplit(page.url).path)
        where = urlsplit(page.url).path
        english += sorted(
            {
                f"{where}: {word} in {text}"
                for word, text in page.evaluate(LATIN_WORDS)
                if word not in ALLOWED_WORDS and word not in identifiers
            }
        )
        if "<" in page.title() or not page.title().strip():  # the tab reads as words
            english.append(f"{where}: page title {page.title()!r}")
        if phone:  # the masked ID keeps clear of its neighbours on every page
            english += [f"{where}: {clash}" for clash in page.evaluate(OVERLAPS)]
        queue += links_on(page, base)
    return visited, english


def build_empty_world() -> dict:
    """A clinic on its first day: accounts only, so every list shows its empty text."""
    from tests.factories import create_doctor, create_patient

    therapist = create_user(Role.CLINIC, username="therapist-new", full_name="刘建国")
    users = {
        "patient": create_patient().user.username,
        "elder": elder_world().username,
        "doctor": create_doctor().username,
        "pharmacist": create_pharmacist().username,
        "decoction": create_user(Role.DECOCTION, full_name="赵师傅").username,
        "clinic": create_user(Role.CLINIC, full_name="陈静").username,
        "therapist": therapist.username,
        "admin": create_user(Role.ADMIN, full_name="系统管理员").username,
        "quality": create_user(Role.QUALITY, full_name="周敏").username,
    }
    db.session.commit()
    db.session.remove()
    return users


ROLES = [
    "patient",
    "elder",
    "doctor",
    "pharmacist",
    "decoction",
    "clinic",
    "therapist",
    "admin",
    "quality",
]


@pytest.mark.parametrize("world", [build_world, build_empty_world], ids=["busy", "empty"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_chinese(app, live_server, person, role, world):
    users = world()
    phone = role in ("patient", "elder")
    page = person(role, phone=phone)
    sign_in(page, live_server, users[role], PASSWORD)
    visited, english = sweep(page, live_server, phone, users.values())
    assert len(visited) >= 2, visited
    assert english == [], "\n".join(english)
