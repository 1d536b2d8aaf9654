"""Text and image consults (图文问诊): a follow-up visit held by messages. The patient (or
guardian) opens the thread once the visit fee is paid; both sides write and add photos; the
doctor's first answer is due within CONSULT_TEXT_REPLY_HOURS, and a thread left unanswered
closes with the fee refunded (and counts against the doctor's response figures); an answered
thread closes after CONSULT_TEXT_QUIET_HOURS without messages, or when the doctor closes it.
The visit's rules stay the visit's: eligibility before any prescription, termination to
in-person care. Messages are never deleted. Flushes; the caller commits."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from consults.models import ChatMessage, TextConsult
from consults.services import calls
from consults.text_rules import (
    BY_DOCTOR,
    UNANSWERED,
    ThreadError,
    ThreadTimes,
    check_message,
    due_closure,
    reply_due,
)
from tcm_app.common.errors import ConflictError, NotFoundError
from tcm_app.common.online_care import EncounterStatus
from tcm_app.common.voice_notes import VoiceNoteError, voice_kind
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.services import inbox, payments, visit_fees
from tcm_app.services.access import own_patient_ids
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import to_clinic, utc_now
from tcm_app.services.transitions import move, move_row

OPEN, CLOSED = "open", "closed"
OPENABLE = (EncounterStatus.REQUESTED, EncounterStatus.IN_PROGRESS)
DOCTOR_ANSWERED = _l("Dr %(name)s answered your message.")
PATIENT_WROTE = _l("%(name)s started a text consult; the first answer is due by %(due)s.")


def thread_of(encounter: Encounter) -> TextConsult | None:
    return db.session.scalar(select(TextConsult).where(TextConsult.encounter_id == encounter.id))


def is_patient_side(encounter: Encounter, user: User) -> bool:
    return user.role == Role.PATIENT and encounter.patient_id in own_patient_ids(user)


def require_participant(encounter: Encounter, user: User) -> None:
    if not (is_patient_side(encounter, user) or user.id == encounter.doctor_id):
        raise NotFoundError("encounter not found")


def open_thread(encounter: Encounter, user: User) -> TextConsult:
    """The patient's side opens the visit's thread (once; opening again finds it)."""
    if not is_patient_side(encounter, user):
        raise NotFoundError("encounter not found")
    existing = thread_of(encounter)
    if existing is not None:
        return existing
    if encounter.kind not in visit_fees.ONLINE or encounter.status not in OPENABLE:
        raise ConflictError("this visit cannot be held by messages", "not_text_consultable")
    fee = visit_fees.fee_of(encounter)
    if fee is not None and fee.amount > 0 and (fee.payment is None or fee.payment.status != "paid"):
        raise ConflictError("pay the visit fee first", "fee_unpaid")
    now = utc_now()
    thread = TextConsult(
        encounter_id=encounter.id,
        opened_by_id=user.id,
        opened_at=now,
        reply_due_at=reply_due(now, current_app.config["CONSULT_TEXT_REPLY_HOURS"]),
        last_message_at=now,
        status=OPEN,
    )
    db.session.add(thread)
    db.session.flush()
    record_audit("consult.text_open", "encounter", encounter.id, "text consult opened", actor=user)
    inbox.post(
        encounter.doctor,
        "text_consult",
        inbox.text_for(
            encounter.doctor, PATIENT_WROTE, name=encounter.patient.legal_name, due=_local(thread)
        ),
        link=inbox.path_for("consults.thread", encounter_id=encounter.id),
        subject=("encounter", encounter.id),
    )
    return thread


def _local(thread: TextConsult) -> str:
    return to_clinic(thread.reply_due_at).strftime("%Y-%m-%d %H:%M")


def _require_open(thread: TextConsult | None) -> TextConsult:
    if thread is None:
        raise ConflictError("no text consult is open for this visit", "no_thread")
    if thread.status != OPEN:
        raise ConflictError("this text consult is closed", "thread_closed")
    return thread


def post_message(
    encounter: Encounter,
    user: User,
    text: str,
    image: bytes | None = None,
    voice: bytes | None = None,
) -> ChatMessage:
    """A message of either side: words, a photo, a voice note, or several (the photo checked and
    stripped as for documents, the recording's type read from its header). The doctor's first
    message answers the thread."""
    require_participant(encounter, user)
    thread = _require_open(thread_of(encounter))
    try:
        kept = check_message(text, image is not None or voice is not None)
    except ThreadError as exc:
        raise exc.refusal(fields={"text": [exc.code]}) from exc
    try:
        voice_type = voice_kind(voice) if voice is not None else None
    except VoiceNoteError as exc:
        raise exc.refusal(fields={"voice": [exc.code]}) from exc
    message = None
    if kept:
        message = calls.add_chat(encounter.id, user, kept)
    if image is not None:
        message = calls.store_chat_image(encounter, user, image)
    if voice is not None and voice_type is not None:
        message = calls.store_voice_note(encounter, user, voice, voice_type)
    assert message is not None  # check_message refused an empty message
    _touch(thread, user, encounter)
    return message


def _touch(thread: TextConsult, user: User, encounter: Encounter) -> None:
    now = utc_now()
    values: dict = {"last_message_at": now}
    first_answer = user.id == encounter.doctor_id and thread.first_reply_at is None
    if first_answer:
        values["first_reply_at"] = now
    move(thread, expected=OPEN, values=values, refusal=ConflictError(
        "this text consult is closed", "thread_closed"))  # fmt: skip
    reader = inbox.recipient_of(encounter.patient)
    if user.id == encounter.doctor_id and reader is not None:
        inbox.post_about(
            encounter.patient,
            "text_consult",
            inbox.text_for(reader, DOCTOR_ANSWERED, name=user.full_name),
            link=inbox.path_for("consults.thread", encounter_id=encounter.id),
            subject=("encounter", encounter.id),
        )


def close_by_doctor(encounter: Encounter, doctor: User) -> None:
    if doctor.id != encounter.doctor_id:
        raise NotFoundError("encounter not found")
    thread = _require_open(thread_of(encounter))
    _close(thread, BY_DOCTOR, doctor)


def _close(thread: TextConsult, reason: str, actor: User | None) -> bool:
    closed = move_row(
        TextConsult, thread.id, expected=OPEN,
        values={"status": CLOSED, "closed_at": utc_now(), "close_reason": reason,
                "closed_by_id": actor.id if actor else None},
    )  # fmt: skip
    if closed:
        record_audit(
            "consult.text_close", "encounter", thread.encounter_id,
            f"text consult closed: {reason}", actor=actor,
        )  # fmt: skip
    return closed


def close_due(now) -> dict[str, int]:
    """Close each open thread whose time has come (the beat task): unanswered ones with the
    visit fee refunded and, if the visit never started, the visit cancelled."""
    quiet_hours = current_app.config["CONSULT_TEXT_QUIET_HOURS"]
    counts = {"unanswered": 0, "quiet": 0}
    open_threads = db.session.scalars(select(TextConsult).where(TextConsult.status == OPEN)).all()
    for thread in open_threads:  # read first: each close writes (refund, message) as it goes
        times = ThreadTimes(
            thread.opened_at, thread.reply_due_at, thread.first_reply_at, thread.last_message_at
        )
        reason = due_closure(times, now, quiet_hours)
        if reason is None or not _close(thread, reason, None):
            continue
        counts[reason] += 1
        if reason == UNANSWERED:
            _refund_unanswered(thread.encounter)
    return counts


def _refund_unanswered(encounter: Encounter) -> None:
    fee = visit_fees.fee_of(encounter)
    if fee is not None and fee.payment is not None and fee.payment.status == "paid":
        payments.refund(fee.payment, None, "text consult unanswered by the deadline")
    if encounter.status == EncounterStatus.REQUESTED:
        move(encounter, expected=EncounterStatus.REQUESTED,
             values={"status": EncounterStatus.CANCELLED})  # fmt: skip
        change = {"before": EncounterStatus.REQUESTED, "after": EncounterStatus.CANCELLED}
        summary = "visit cancelled: text consult unanswered"
        record_audit("encounter.status", "encounter", encounter.id, summary, change, actor=None)
    inbox.post_about(
        encounter.patient,
        "text_consult",
        inbox.text_about(encounter.patient, UNANSWERED_TEXT),
        link=inbox.path_for("core.encounter_view", encounter_id=encounter.id),
        subject=("encounter", encounter.id),
    )


UNANSWERED_TEXT = _l(
    "The doctor did not answer your text consult in time; the visit fee is refunded."
)


def open_for_doctor(doctor: User) -> list[TextConsult]:
    """The doctor's open threads, the first answer due soonest first (answered ones after)."""
    rows = db.session.scalars(
        select(TextConsult)
        .join(Encounter, Encounter.id == TextConsult.encounter_id)
        .where(Encounter.doctor_id == doctor.id, TextConsult.status == OPEN)
        # the workbench names each thread's patient: one query for them all
        .options(contains_eager(TextConsult.encounter).selectinload(Encounter.patient))
    ).all()
    return sorted(rows, key=lambda t: (t.first_reply_at is not None, t.reply_due_at))


def messages(encounter: Encounter) -> list[ChatMessage]:
    return list(
        db.session.scalars(
            select(ChatMessage)
            .where(ChatMessage.encounter_id == encounter.id)
            .order_by(ChatMessage.id)
        )
    )
