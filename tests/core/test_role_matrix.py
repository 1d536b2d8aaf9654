"""Every route against every role: allowed roles get through, the others are refused
(pages: login redirect or 403; API: 401 or 403), and nothing answers with a 500."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from constitution.services import assessments as constitution_assessments
from consults.services import calls
from decoction.services import orders
from diagnosis.services import tongue
from herbs.models import FormulaTemplate
from herbs.services import prescriptions
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import documents, encounters, inbox
from tests.factories import (
    SIGNING_PASSWORD,
    approved_prescription,
    bearer,
    create_bed,
    create_doctor,
    create_encounter,
    create_patient,
    create_pharmacist,
    create_practitioner,
    create_prescribable_encounter,
    create_user,
    login,
    open_treatment_clinic,
    png_bytes,
)
from tests.treatments.helpers import NO, clinic_today
from tests.treatments.helpers import at as treatment_at
from treatments.services import bookings as treatment_bookings
from treatments.services import catalogue, recommendations
from treatments.services.catalogue import therapy_by_code


def signed_prescription(encounter):
    rx = prescriptions.open_draft(encounter, encounter.doctor)
    prescriptions.save_draft(rx, encounter.doctor, [{"name": "甘草", "dose_g": 6}], 7, "每日1剂")
    prescriptions.sign(rx, encounter.doctor, SIGNING_PASSWORD, {})
    return rx


ROLES = ["anonymous", *[role.value for role in Role]]
# Run last: they end the session or the token that the other requests use.
ENDS_SESSION = {"auth.logout", "api.token_revoke"}


@pytest.fixture
def world(app):
    doctor = create_doctor(username="matrix-doctor")
    patient = create_patient()
    encounter = create_encounter(patient=patient, doctor=doctor)
    document = documents.add_document(
        encounter, patient.user, "outpatient_record", "r.png", png_bytes()
    )
    encounters.start_encounter(encounter, doctor)
    diagnosis = encounters.record_diagnosis(encounter, doctor, "胃脘痛", "脾胃虚寒证")
    users = {
        "patient": patient.user,
        "doctor": doctor,
        "pharmacist": create_pharmacist(),
        "decoction": create_user(Role.DECOCTION),
        "clinic": create_user(Role.CLINIC),
        "admin": create_user(Role.ADMIN),
        "quality": create_user(Role.QUALITY),
    }
    target = create_user(Role.CLINIC, username="matrix-target")
    second_visit = create_prescribable_encounter(patient=patient, doctor=doctor)
    prescription = signed_prescription(second_visit)
    template = db.session.scalar(sa.select(FormulaTemplate).limit(1))
    chat = calls.add_chat(second_visit.id, doctor, "请伸舌")
    ordered_rx = approved_prescription()
    order = orders.place_order(ordered_rx, ordered_rx.encounter.patient.user, "raw", "pickup")
    tongue_image = tongue.add_tongue_image(
        encounter, patient.user, jpeg_bytes(png_bytes(width=200, height=150)), "gallery"
    )
    treatment = treatment_world(doctor, patient, encounter)
    assessment = constitution_assessments.start(patient.user, patient, "ccmq")
    db.session.commit()
    ids = {
        **treatment,
        "message_id": chat.id,
        "prescription_id": prescription.id,
        "herb_id": prescription.lines[0].herb_id,
        "template_id": template.id if template else 1,
        "token": prescription.verify_token,
        "encounter_id": encounter.id,
        "patient_id": patient.id,
        "document_id": document.id,
        "diagnosis_id": diagnosis.id,
        "user_id": target.id,
        "image_id": tongue_image.id,
        "order_id": order.id,
        "inbox_message_id": inbox.post(patient.user, "test", "测试消息").id,
        "legal_doc": "user_agreement",
        "legal_version": 1,
        "provider_name": "sandbox",  # the payment provider's callback
        "consult_booking_id": 1,  # none booked here: an allowed role gets 404, never 401/403
        "assessment_id": assessment.id,  # a draft: the patient answers it, staff do not see it
        "page": 1,
        "plan_id": 1,  # none enrolled here: an allowed role gets 404, never 401/403
        "renewal_id": 1,  # none asked here: likewise
        "submission_id": 1,  # no outside prescription here: likewise
        "number": 1,
        "task_id": 1,  # no follow-up task here: likewise
        "reaction_id": 1,  # no adverse reaction here: likewise
        "code": "ccmq",
        # quality: the visit is not completed, so there is nothing to rate (an allowed role gets
        # 404); no rating, appeal or complaint exists either
        "kind": "encounter",
        "subject_id": encounter.id,
        "rating_id": 1,
        "appeal_id": 1,
        "complaint_id": 1,
        "consent_id": 1,  # no family proxy consent here: an allowed role gets 404
        "outcome": "started",  # a phone consult's call: none asked here, so a refusal (409)
    }
    db.session.commit()
    return users, ids


def treatment_world(doctor, patient, encounter) -> dict:
    """A clinic where the doctor treats, one booking tomorrow and one course recommendation."""
    open_treatment_clinic()
    practitioner = create_practitioner(user=doctor)
    bed = create_bed("bed-matrix")
    therapy = therapy_by_code("acupuncture")
    booking = treatment_bookings.book(
        patient.user,
        patient,
        treatment_bookings.Request(therapy, treatment_at(1, 9), doctor.id, dict(NO)),
    )
    recommendation = recommendations.recommend(encounter, doctor, "acupuncture", 4, 2)
    leave = catalogue.add_exception(doctor.id, clinic_today() + timedelta(days=20), "leave")[0]
    return {
        "booking_id": booking.id,
        "recommendation_id": recommendation.id,
        "therapy_id": therapy.id,
        "resource_id": bed.id,
        "exception_id": leave.id,
        "practitioner_id": doctor.id,
        "calendar_token": practitioner.calendar_token,
    }


def jpeg_bytes(png: bytes) -> bytes:
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    return cv2.imencode(".jpg", image)[1].tobytes()


def is_static(endpoint: str) -> bool:
    """The app's and each domain's static files (scripts, styles): the same for everyone."""
    return endpoint == "static" or endpoint.endswith(".static")


def routes(app):
    found = []
    for rule in app.url_map.iter_rules():
        if is_static(rule.endpoint):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule, method))
    return sorted(found, key=lambda item: item[0].endpoint in ENDS_SESSION)


def fill(rule, ids) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule)


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        name
        for name, view in app.view_functions.items()
        if not is_static(name) and not hasattr(view, "allowed_roles")
    ]
    assert not undeclared


def refusal_expected(endpoint: str, role: str) -> set[int]:
    api = endpoint.startswith("api.")
    if role == "anonymous":
        return {401} if api else {302}
    return {403}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, world, role):
    users, ids = world
    client = app.test_client()
    headers = {}
    if role != "anonymous":
        login(client, users[role])
        headers = bearer(users[role])
    failures = []
    for rule, method in routes(app):
        view = app.view_functions[rule.endpoint]
        url = fill(rule, ids)
        api = rule.endpoint.startswith("api.")
        response = client.open(
            url,
            method=method,
            headers=headers if api else {},
            json={} if api and method != "GET" else None,
        )
        status = response.status_code
        allowed = role in view.allowed_roles or "anonymous" in view.allowed_roles
        if status >= 500:
            failures.append(f"{method} {url}: {status}")
        elif allowed and status in {401, 403}:
            failures.append(f"{method} {url}: allowed role got {status}")
        elif not allowed and status not in refusal_expected(rule.endpoint, role):
            failures.append(f"{method} {url}: refused role got {status}")
        elif not allowed and status == 302 and "/login" not in response.headers["Location"]:
            failures.append(f"{method} {url}: redirected to {response.headers['Location']}")
    assert not failures, "\n".join(failures)


def test_matrix_covers_every_role_on_patient_data(app):
    """The matrix above only means something if patient data routes really are restricted."""
    restricted = {
        name: view.allowed_roles
        for name, view in app.view_functions.items()
        if name
        in {
            "core.encounter_view",
            "core.document_view",
            "api.encounter_get",
            "core.patient_view",
            "core.admin_users",
        }
    }
    assert "pharmacist" not in restricted["core.encounter_view"]
    assert "admin" not in restricted["core.document_view"]
    assert "decoction" not in restricted["api.encounter_get"]
    assert "patient" not in restricted["core.patient_view"]
    assert restricted["core.admin_users"] == {"admin"}


@pytest.mark.parametrize(
    "path",
    [
        "/encounters/{encounter_id}",
        "/encounters/{encounter_id}/documents/{document_id}",
        "/api/v1/encounters/{encounter_id}",
        "/api/v1/patients/{patient_id}",
        "/api/v1/encounters/{encounter_id}/phone-consult",
    ],
)
def test_another_patients_record_is_not_found(app, world, path):
    _users, ids = world
    stranger = create_patient(name="李四")
    db.session.commit()
    client = app.test_client()
    login(client, stranger.user)
    url = path.format(**ids)
    headers = bearer(stranger.user) if url.startswith("/api/") else {}
    assert client.get(url, headers=headers).status_code == 404


def test_another_doctors_encounter_is_not_found(app, world):
    _users, ids = world
    other = create_doctor(username="other-doctor")
    db.session.commit()
    client = app.test_client()
    login(client, other)
    assert client.get(f"/encounters/{ids['encounter_id']}").status_code == 404
    assert (
        client.post(f"/encounters/{ids['encounter_id']}/start", data={"version": "1"}).status_code
        == 404
    )
    assert client.post(f"/consults/{ids['encounter_id']}/call-back").status_code == 404


GARBAGE = {
    "version": "abc",
    "decision": "maybe",
    "reason": "x" * 5000,
    "note": "\x00",
    "disease_name": "感" * 300,
    "disease_code": "A" * 40,
    "syndrome_name": "",
    "present": "perhaps",
    "patient_id": "-1",
    "doctor_id": "99999999999999999999",
    "kind": "teleport",
    "id_number": "1" * 40,
    "scheduled_on": "2026-13-45",
    "pregnancy_status": "both",
    "years_independent_practice": "-5",
    "role": "root",
    "issued_on": "yesterday",
    "doc_type": "selfie",
    "username": "",
    "password": "p",
}


@pytest.mark.parametrize("role", ROLES[1:])
def test_garbage_form_input_is_refused_without_a_server_error(app, world, role):
    """Every page POST, fed nonsense by a role that may use it, answers 4xx, never 500."""
    users, ids = world
    client = app.test_client()
    login(client, users[role])
    for rule, method in routes(app):
        view = app.view_functions[rule.endpoint]
        if method != "POST" or rule.endpoint.startswith("api.") or role not in view.allowed_roles:
            continue
        if rule.endpoint in ENDS_SESSION:
            continue
        status = client.post(fill(rule, ids), data=GARBAGE).status_code
        assert status < 500, f"POST {fill(rule, ids)} as {role}: {status}"
