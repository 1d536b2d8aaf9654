"""A patient's outside prescription (拍方抓药): details and the first page photo make a draft,
more pages follow one by one (a phone photo each, under the upload limit), then it goes to the
pharmacists. A photo already received (by its cleaned bytes' hash) is refused: one paper is
dispensed once. Who may open a submission. Flushes."""

import hashlib
from datetime import date
from functools import partial

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from external_rx.intake_rules import MAX_PAGES, detail_problems, page_problem, written_on_problem
from external_rx.models import ExternalPage, ExternalSubmission
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.patients import Patient
from tcm_app.services import inbox
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today, utc_now
from tcm_app.services.documents import (
    CONTENT_TYPES,
    EXTENSIONS,
    record_retention_date,
    sanitise_upload,
)
from tcm_app.services.storage import storage
from tcm_app.services.transitions import move
from tcm_app.services.uploads import store_upload

DRAFT, WAITING = "draft", "waiting"
NEW_SUBMISSION = _l("An outside prescription of %(patient)s waits for review (%(pages)s pages).")


def valid_days() -> int:
    return current_app.config["EXTERNAL_RX_VALID_DAYS"]


def start(
    user: User, patient: Patient, *, institution: str, doctor_name: str,
    written_on: date | None, declared: bool, first_page: bytes,
) -> ExternalSubmission:  # fmt: skip
    """A draft with its details and first page; every unusable field is named."""
    if patient.id not in own_patient_ids(user):
        raise NotFoundError("patient not found")
    problems = detail_problems(
        institution, doctor_name, written_on, declared, clinic_today(), valid_days()
    )
    if problems:
        fields = {field: [code] for field, code in problems.items()}
        raise ValidationError("the details are incomplete", next(iter(problems.values())), fields)
    assert written_on is not None
    submission = ExternalSubmission(
        patient_id=patient.id, submitted_by_id=user.id, institution=institution.strip(),
        doctor_name=doctor_name.strip(), written_on=written_on, declared_at=utc_now(),
        status=DRAFT, created_at=utc_now(), retain_until=record_retention_date(),
    )  # fmt: skip
    db.session.add(submission)
    db.session.flush()
    add_page(submission, user, first_page)
    record_audit(
        "external.start", "external_submission", submission.id,
        f"outside prescription of {submission.institution}, written {written_on.isoformat()}",
        actor=user,
    )  # fmt: skip
    return submission


def add_page(submission: ExternalSubmission, user: User, data: bytes) -> ExternalPage:
    if submission.status != DRAFT:
        raise ConflictError("this prescription has gone to the pharmacist", "external_sent")
    count = len(submission.pages)
    if count >= MAX_PAGES:
        raise ValidationError("at most 6 pages", "too_many_pages", {"file": ["too_many_pages"]})
    kind, cleaned = sanitise_upload(data)
    page = partial(
        ExternalPage, submission_id=submission.id, number=count + 1,
        content_type=CONTENT_TYPES[kind], uploaded_by_id=user.id, uploaded_at=utc_now(),
    )  # fmt: skip
    if _seen(cleaned):
        fields = {"file": ["duplicate_image"]}
        raise ValidationError("this photo was received before", "duplicate_image", fields)
    row = store_upload(
        cleaned, EXTENSIONS[kind], lambda stored: page(**stored.columns()), prefix="external-"
    )
    db.session.refresh(submission)
    return row


def _seen(cleaned: bytes) -> bool:
    digest = hashlib.sha256(cleaned).hexdigest()
    seen = db.session.scalar(select(func.count()).where(ExternalPage.sha256 == digest))
    return bool(seen)


def submit(submission: ExternalSubmission, user: User) -> None:
    """To the pharmacists: still within its validity, with its pages."""
    problem = page_problem(len(submission.pages)) or written_on_problem(
        submission.written_on, clinic_today(), valid_days()
    )
    if problem:
        raise ValidationError("the prescription cannot be sent", problem, {"file": [problem]})
    now = utc_now()  # the review clock starts
    move(
        submission, expected=DRAFT,
        values={"status": WAITING, "submitted_at": now, "clock_started_at": now},
        refusal=ConflictError("this prescription has gone to the pharmacist", "external_sent"),
    )  # fmt: skip
    record_audit(
        "external.submit", "external_submission", submission.id,
        f"sent for review with {len(submission.pages)} pages", actor=user,
    )  # fmt: skip
    _tell_pharmacists(submission)


def _tell_pharmacists(submission: ExternalSubmission) -> None:
    inbox.post_to_role(
        Role.PHARMACIST, "external_rx", NEW_SUBMISSION,
        {"patient": submission.patient.legal_name, "pages": len(submission.pages)},
        link=inbox.path_for("external_rx.submission", submission_id=submission.id),
        patient=submission.patient, subject=("external_submission", submission.id),
    )  # fmt: skip


def visible_submission(user: User, submission_id: int) -> ExternalSubmission:
    """The patient's (or guardian's) own; a pharmacist's once sent; 404 for anyone else."""
    submission = db.session.get(ExternalSubmission, submission_id)
    allowed = submission is not None and (
        (user.role == Role.PATIENT and submission.patient_id in own_patient_ids(user))
        or (user.role == Role.PHARMACIST and submission.status != DRAFT)
    )
    if not allowed:
        raise NotFoundError("outside prescription not found")
    assert submission is not None
    return submission


def patient_submissions(user: User) -> list[ExternalSubmission]:
    return list(
        db.session.scalars(
            select(ExternalSubmission)
            .where(ExternalSubmission.patient_id.in_(own_patient_ids(user)))
            .order_by(ExternalSubmission.id.desc())
        )
    )


def waiting(status: str = WAITING) -> list[ExternalSubmission]:
    """The pharmacists' queue (or, with "questions", those waiting for the patient's answer):
    oldest first."""
    return list(
        db.session.scalars(
            select(ExternalSubmission)
            .where(ExternalSubmission.status == status)
            .order_by(ExternalSubmission.submitted_at, ExternalSubmission.id)
        )
    )


def read_page(page: ExternalPage) -> bytes:
    return storage().read(page.storage_key)
