"""The pharmacist's review of an outside prescription (审方 of 拍方抓药): the checks confirmed in
turn, the transcription checked like the hospital's own prescriptions, the second pharmacist,
questions to the patient (the review clock stops), and the decision the patient reads. Software
refuses what the rules forbid (external_rx/review_rules.py); only a pharmacist approves. Every
act is audited. Flushes."""

from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from external_rx import review_rules
from external_rx.intake_rules import written_on_problem
from external_rx.models import ExternalLine, ExternalMessage, ExternalSubmission
from herbs import prescribing
from herbs.safety import HerbLine
from herbs.services.prescriptions import check, patient_facts, resolve_lines
from tcm_app.common.errors import ConflictError, PermissionDeniedError, TCMError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.services import inbox, transitions
from tcm_app.services.accounts import require_signing_password
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today, clinic_zone, utc_now
from tcm_app.services.voice_uploads import Recording, add_with_recording, checked_recording

WAITING, QUESTIONS, APPROVED, REFUSED = "waiting", "questions", "approved", "refused"
OBJ = "external_submission"

ASKED = _l("The pharmacist has a question about your outside prescription: %(text)s")
ANSWERED = _l("%(patient)s answered the question about their outside prescription.")
APPROVED_TEXT = _l("Your outside prescription of %(institution)s is approved: order it by %(day)s.")
REFUSED_TEXT = _l("Your outside prescription of %(institution)s was refused: %(reason)s")


def _valid_days(submission: ExternalSubmission) -> int:
    """The validity the paper states, else the setting's (《处方管理办法》第十八条: at most 3)."""
    return submission.valid_days or current_app.config["EXTERNAL_RX_VALID_DAYS"]


def _refuse(exc: TCMError, action: str, submission: ExternalSubmission) -> TCMError:
    return exc.audited(action, OBJ, submission.id)


def _require_pharmacist(user: User, submission: ExternalSubmission, action: str) -> None:
    if user.role != Role.PHARMACIST:
        raise _refuse(
            PermissionDeniedError("pharmacists review", "not_reviewer"), action, submission
        )


def _require_open(submission: ExternalSubmission, action: str, *states: str) -> None:
    if submission.status not in (states or (WAITING,)):
        exc = ConflictError(
            "this outside prescription is not waiting for review", "external_closed"
        )
        raise _refuse(exc, action, submission)


def _require_still_valid(submission: ExternalSubmission, action: str, field: str) -> None:
    problem = written_on_problem(submission.written_on, clinic_today(), _valid_days(submission))
    if problem:
        exc = ValidationError("the prescription is out of date", problem, {field: [problem]})
        raise _refuse(exc, action, submission)


def confirm_check(
    submission: ExternalSubmission, pharmacist: User, check_name: str, rx_number: str = "",
    stated_days: int | None = None,
) -> None:  # fmt: skip
    """Confirm the next check: the pharmacist has looked at the paper for it. The validity check
    takes the days the paper states (none: the setting's), the last one the institution's
    number."""
    action = "external.check"
    _require_pharmacist(pharmacist, submission, action)
    _require_open(submission, action)
    if check_name != review_rules.next_check(submission.checks or {}):
        exc = ConflictError("confirm the checks in turn", "check_out_of_turn")
        raise _refuse(exc, action, submission)
    if check_name == "within_validity":
        _record_validity(submission, stated_days, action)
        _require_still_valid(submission, action, "valid_days")
    if check_name == "not_dispensed_before":
        _record_number(submission, rx_number, action)
    stamp = {"by": pharmacist.id, "at": utc_now().isoformat()}
    submission.checks = {**(submission.checks or {}), check_name: stamp}
    db.session.flush()
    record_audit(action, OBJ, submission.id, f"confirmed: {check_name}", actor=pharmacist)


def _record_validity(submission: ExternalSubmission, stated_days, action: str) -> None:
    if stated_days is None:
        return
    if not 1 <= stated_days <= current_app.config["EXTERNAL_RX_VALID_DAYS"]:
        exc = ValidationError("at most the days allowed", "valid_days_invalid",
                              {"valid_days": ["valid_days_invalid"]})  # fmt: skip
        raise _refuse(exc, action, submission)
    submission.valid_days = stated_days


def _record_number(submission: ExternalSubmission, rx_number: str, action: str) -> None:
    number = (rx_number or "").strip()
    problem = review_rules.rx_number_problem(number)
    if problem is None and _number_taken(submission, number):
        problem = "rx_number_dispensed"
    if problem:
        exc = ValidationError("the prescription number", problem, {"rx_number": [problem]})
        raise _refuse(exc, action, submission)
    submission.rx_number = number


def _number_taken(submission: ExternalSubmission, number: str) -> bool:
    taken = db.session.scalar(
        select(func.count()).where(
            ExternalSubmission.institution == submission.institution,
            ExternalSubmission.rx_number == number,
            ExternalSubmission.id != submission.id,
        )
    )
    return bool(taken)


def save_transcription(
    submission: ExternalSubmission, pharmacist: User, raw_lines, packets, usage,
    *, writer_countersigned: bool, official_seal: bool,
) -> list[dict]:  # fmt: skip
    """Replace the transcribed lines and run the safety checks on them; nothing is written when
    a line is unknown or impossible. A change takes back the second pharmacist's signature."""
    action = "external.transcribe"
    _require_pharmacist(pharmacist, submission, action)
    _require_open(submission, action)
    if review_rules.next_check(submission.checks or {}) is not None:
        raise _refuse(
            ConflictError("confirm every check first", "checks_incomplete"), action, submission
        )
    resolved, errors = resolve_lines(raw_lines, packets, usage)
    if errors:
        exc = ValidationError("the transcription has errors", "invalid_prescription", errors)
        raise _refuse(exc, action, submission)
    submission.lines.clear()
    db.session.flush()
    for position, columns in enumerate(resolved):
        submission.lines.append(ExternalLine(position=position, **columns))
    facts = patient_facts(submission.patient)
    herb_lines = [HerbLine(c["written_name"], c["dose_g"]) for c in resolved]
    findings = check(herb_lines, packets, facts)
    submission.packets, submission.usage = packets, usage.strip()
    submission.writer_countersigned, submission.official_seal = writer_countersigned, official_seal
    submission.patient_age, submission.patient_pregnant = facts.age, facts.pregnant
    submission.findings = [f.as_dict() for f in findings]
    submission.transcribed_by_id, submission.transcribed_at = pharmacist.id, utc_now()
    submission.second_pharmacist_id = submission.second_signed_at = submission.second_note = None
    db.session.flush()
    summary = f"transcribed: {len(resolved)} lines x {packets} packets"
    record_audit(action, OBJ, submission.id, summary, {"findings": [f.key for f in findings]},
                 actor=pharmacist)  # fmt: skip
    return submission.findings


def second_sign(
    submission: ExternalSubmission, pharmacist: User, signing_password: str, note: str
) -> None:
    """双签: a second pharmacist, not the one who transcribed, signs for the flagged findings."""
    action = "external.second_sign"
    _require_pharmacist(pharmacist, submission, action)
    _require_open(submission, action)
    if not review_rules.needs_second_pharmacist(submission.findings or []):
        not_needed = ConflictError("no finding needs a second pharmacist", "second_not_needed")
        raise _refuse(not_needed, action, submission)
    if pharmacist.id == submission.transcribed_by_id:
        same = PermissionDeniedError("a second pharmacist signs", "second_pharmacist_same")
        raise _refuse(same, action, submission)
    problem = prescribing.reason_problem(note)
    if problem:
        raise ValidationError("give the reason", problem, {"note": [problem]})
    _require_signature(pharmacist, signing_password, action, submission)
    submission.second_pharmacist_id, submission.second_signed_at = pharmacist.id, utc_now()
    submission.second_note = note.strip()
    db.session.flush()
    record_audit(action, OBJ, submission.id, "second pharmacist signed", {"note": note.strip()},
                 actor=pharmacist)  # fmt: skip


def _require_signature(signer: User, signing_password: str, action, submission) -> None:
    try:
        require_signing_password(signer, signing_password)
    except TCMError as exc:
        raise _refuse(exc, action, submission) from None


def approval_problems(submission: ExternalSubmission) -> list[str]:
    return review_rules.approval_problems(
        confirmed=(submission.checks or {}).keys(), has_lines=bool(submission.lines),
        findings=submission.findings or [],
        writer_countersigned=submission.writer_countersigned,
        official_seal=submission.official_seal,
        second_signed=submission.second_pharmacist_id is not None,
    )  # fmt: skip


def approve(submission: ExternalSubmission, pharmacist: User, signing_password: str) -> None:
    """The pharmacist approves the transcription: an external prescription record the patient
    may order once, until the paper's last valid day ends."""
    action = "external.approve"
    _require_pharmacist(pharmacist, submission, action)
    _require_open(submission, action)
    _require_still_valid(submission, action, "signing_password")
    problems = approval_problems(submission)
    if problems:
        exc = ValidationError("the transcription cannot be approved", problems[0],
                              {"approval": problems})  # fmt: skip
        raise _refuse(exc, action, submission)
    _require_signature(pharmacist, signing_password, action, submission)
    last_day = review_rules.last_valid_day(submission.written_on, _valid_days(submission))
    until = datetime.combine(last_day + timedelta(days=1), time(), clinic_zone())
    _decide(submission, pharmacist, APPROVED, {"valid_until": until}, action)
    day = last_day.isoformat()
    _tell_patient(submission, APPROVED_TEXT, institution=submission.institution, day=day)


def refuse(submission: ExternalSubmission, pharmacist: User, reason: str) -> None:
    """Refused with the reason the patient reads (not a prescription, someone else's, …)."""
    action = "external.refuse"
    _require_pharmacist(pharmacist, submission, action)
    _require_open(submission, action, WAITING, QUESTIONS)
    problem = prescribing.reason_problem(reason)
    if problem:
        raise ValidationError("give the reason", problem, {"reason": [problem]})
    _decide(submission, pharmacist, REFUSED, {"refusal_reason": reason.strip()}, action)
    _tell_patient(submission, REFUSED_TEXT, institution=submission.institution,
                  reason=reason.strip())  # fmt: skip


def _decide(submission, pharmacist, status: str, values: dict, action: str) -> None:
    now = utc_now()
    values = {
        **values, "status": status, "decided_by_id": pharmacist.id, "decided_at": now,
        "review_seconds": _clock_total(submission, now), "clock_started_at": None,
    }  # fmt: skip
    transitions.move(
        submission, expected=submission.status, values=values,
        refusal=_refuse(ConflictError("decided meanwhile", "external_closed"), action, submission),
    )  # fmt: skip
    record_audit(action, OBJ, submission.id, status, {k: str(v) for k, v in values.items()},
                 actor=pharmacist)  # fmt: skip


def _clock_total(submission: ExternalSubmission, now: datetime) -> int:
    """Seconds the submission has waited for pharmacists, the running stretch included."""
    running = 0
    if submission.clock_started_at is not None:
        running = int((now - submission.clock_started_at).total_seconds())
    return (submission.review_seconds or 0) + max(running, 0)


def ask(submission: ExternalSubmission, pharmacist: User, text: str) -> None:
    """A question to the patient: the review waits (and its clock stops) until they answer."""
    action = "external.ask"
    _require_pharmacist(pharmacist, submission, action)
    _require_open(submission, action)
    body = _message_text(text)
    now = utc_now()
    transitions.move(
        submission, expected=WAITING,
        values={"status": QUESTIONS, "review_seconds": _clock_total(submission, now),
                "clock_started_at": None},
        refusal=_refuse(ConflictError("decided meanwhile", "external_closed"), action, submission),
    )  # fmt: skip
    _add_message(submission, pharmacist, body, action)
    _tell_patient(submission, ASKED, text=body)


def answer(
    submission: ExternalSubmission, user: User, text: str, voice: bytes | None = None
) -> None:
    """The patient's answer, written or said in a voice note (语音留言) or both: back in the
    pharmacists' queue, its clock running again. The recording is checked before anything
    changes."""
    action = "external.answer"
    recording = checked_recording(voice)
    body = _answer_text(text, recording is not None)
    transitions.move(
        submission, expected=QUESTIONS,
        values={"status": WAITING, "clock_started_at": utc_now()},
        refusal=_refuse(ConflictError("no question is open", "external_no_question"), action,
                        submission),
    )  # fmt: skip
    _add_message(submission, user, body, action, recording)
    inbox.post_to_role(
        Role.PHARMACIST, "external_rx", ANSWERED, {"patient": submission.patient.legal_name},
        link=inbox.path_for("external_rx.submission", submission_id=submission.id),
        patient=submission.patient, subject=(OBJ, submission.id),
    )  # fmt: skip


def _answer_text(text: str, has_voice: bool) -> str:
    problem = review_rules.answer_problem(text, has_voice)
    if problem:
        raise ValidationError("write the answer or say it", problem, {"text": [problem]})
    return (text or "").strip()


def _message_text(text: str) -> str:
    problem = review_rules.message_problem(text)
    if problem:
        raise ValidationError("write the message", problem, {"text": [problem]})
    return text.strip()


def _add_message(
    submission, author: User, body: str, action: str, recording: Recording | None = None
) -> None:
    def message(audio_key: str | None, audio_mime: str | None) -> ExternalMessage:
        return ExternalMessage(
            submission_id=submission.id, author_id=author.id, body=body, created_at=utc_now(),
            audio_key=audio_key, audio_mime=audio_mime,
        )  # fmt: skip

    def voice_audited(row: ExternalMessage) -> None:
        record_audit("external.answer_voice", OBJ, submission.id,
                     f"voice note {row.id} ({row.audio_mime})", actor=author)  # fmt: skip

    add_with_recording(recording, message, voice_audited)
    db.session.refresh(submission)
    record_audit(action, OBJ, submission.id, body[:200] or "voice note", actor=author)


def _tell_patient(submission: ExternalSubmission, message, **params) -> None:
    inbox.post_about(
        submission.patient, "external_rx", inbox.text_about(submission.patient, message, **params),
        link=inbox.path_for("external_rx.submission", submission_id=submission.id),
        subject=(OBJ, submission.id),
    )  # fmt: skip


def review_minutes(submission: ExternalSubmission) -> int:
    """Minutes it has waited for pharmacists (the time with the patient not counted)."""
    return _clock_total(submission, utc_now()) // 60
