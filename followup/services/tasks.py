"""A follow-up task's life: the patient answers its questionnaire (alerts raised from the
answers reach the doctor) or sends its photo; each task is reminded once on the day it falls
due (a revisit reminder is done once sent). Flushes."""

from datetime import date
from functools import partial

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from followup.alert_rules import alerts_for
from followup.models import FollowUpPhoto, FollowUpPlan, FollowUpTask
from followup.plan_rules import QUESTIONNAIRE, REVISIT, TONGUE_PHOTO
from followup.services import catalogue
from followup.services.plans import ACTIVE, visible_plan
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.common.questionnaire import SEXES, answer_problems
from tcm_app.common.voice_notes import VoiceNoteError, strip_voice_metadata, voice_kind
from tcm_app.extensions import db
from tcm_app.labels import lazy_label
from tcm_app.models.accounts import User
from tcm_app.services import inbox
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today, utc_now
from tcm_app.services.documents import CONTENT_TYPES, EXTENSIONS, sanitise_upload
from tcm_app.services.storage import storage
from tcm_app.services.transitions import move, move_row
from tcm_app.services.uploads import store_upload

PENDING, DONE = "pending", "done"
NOTE_MAX = 1000
TASK_DUE = {
    QUESTIONNAIRE: _l("A follow-up questionnaire from Dr %(name)s is due today."),
    TONGUE_PHOTO: _l("Dr %(name)s asks for a photo of your tongue today for your follow-up."),
    REVISIT: _l("Dr %(name)s asks you to book a follow-up visit about now."),
}
ALERTED = _l("Follow-up alert: %(patient)s reported %(reasons)s.")


def visible_task(user: User, task_id: int) -> FollowUpTask:
    task = db.session.get(FollowUpTask, task_id)
    if task is None:
        raise NotFoundError("follow-up task not found")
    visible_plan(user, task.plan_id)
    return task


def _require_open(task: FollowUpTask, kind: str) -> None:
    if task.kind != kind:
        raise NotFoundError("follow-up task not found")
    if task.status != PENDING or task.plan.status != ACTIVE:
        raise ConflictError("this follow-up task is closed", "task_closed")
    if clinic_today() < task.due_on:
        raise ConflictError("this follow-up task is not due yet", "task_not_due")


def answer(
    task: FollowUpTask, actor: User, answers: dict, note: str = "", voice: bytes | None = None
) -> list[str]:
    """Keep the answers and return the alert reasons they raise (told to the doctor). `voice`:
    the patient's own words spoken instead of typed (语音留言), its type read from its header
    before anything is kept."""
    _require_open(task, QUESTIONNAIRE)
    scale = catalogue.scale(task.scale_code or "")
    sex = task.plan.patient.sex if task.plan.patient.sex in SEXES else SEXES[0]
    problems = answer_problems(scale, sex, answers)
    if problems:
        fields = {code: ["answers_missing"] for code in problems}
        raise ValidationError("answer every question", "answers_missing", fields)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError("the note is too long", "note_too_long", {"note": ["note_too_long"]})
    voice_type = _voice_type(voice)
    reasons = alerts_for(catalogue.alert_rules(scale.code), answers)
    _finish(
        task,
        actor,
        {"answers": dict(answers), "note": note, "alerts": reasons, "alerted": bool(reasons)},
    )
    record_audit(
        "followup.answer", "followup_task", task.id, f"questionnaire {scale.code} answered",
        {"alerts": reasons}, actor=actor,
    )  # fmt: skip
    if voice is not None and voice_type is not None:
        _keep_voice(task, actor, voice, voice_type)
    if reasons:
        _alert_doctor(task.plan, reasons)
    return reasons


def _voice_type(voice: bytes | None):
    if voice is None:
        return None
    try:
        return voice_kind(voice)
    except VoiceNoteError as exc:
        raise exc.refusal(fields={"voice": [exc.code]}) from exc


def _keep_voice(task: FollowUpTask, actor: User, data: bytes, kind) -> None:
    """The voice note is the questionnaire task's one attached file (the row a photo task keeps
    its photo in: a task has one or the other), its metadata stripped where the format allows."""
    cleaned = strip_voice_metadata(data, kind)
    row = partial(
        FollowUpPhoto, task_id=task.id, uploaded_by_id=actor.id, uploaded_at=utc_now(),
        content_type=kind.mime,
    )  # fmt: skip
    store_upload(cleaned, kind.suffix, lambda stored: row(**stored.columns()),
                 prefix="followup-voice-")  # fmt: skip
    record_audit(
        "followup.voice", "followup_task", task.id, "follow-up voice note received", actor=actor
    )


def is_voice(attached: FollowUpPhoto | None) -> bool:
    return attached is not None and attached.content_type.startswith("audio/")


def add_photo(task: FollowUpTask, actor: User, data: bytes) -> None:
    """The photo of a photo task, checked from its header and stripped like any upload."""
    _require_open(task, TONGUE_PHOTO)
    kind, cleaned = sanitise_upload(data)
    if kind == "pdf":
        fields = {"file": ["followup_photo_only"]}
        raise ValidationError("send a photo (JPEG or PNG)", "followup_photo_only", fields)
    photo = partial(
        FollowUpPhoto, task_id=task.id, uploaded_by_id=actor.id, uploaded_at=utc_now(),
        content_type=CONTENT_TYPES[kind],
    )  # fmt: skip
    store_upload(cleaned, EXTENSIONS[kind], lambda stored: photo(**stored.columns()),
                 prefix="followup-")  # fmt: skip
    _finish(task, actor, {})
    record_audit(
        "followup.photo", "followup_task", task.id, "follow-up photo received", actor=actor
    )


def read_photo(photo: FollowUpPhoto) -> bytes:
    return storage().read(photo.storage_key)


def _finish(task: FollowUpTask, actor: User, values: dict) -> None:
    move(
        task, expected=PENDING,
        values={"status": DONE, "done_at": utc_now(), "done_by_id": actor.id, **values},
        refusal=ConflictError("this follow-up task is closed", "task_closed"),
    )  # fmt: skip


def _alert_doctor(plan: FollowUpPlan, reasons: list[str]) -> None:
    doctor = plan.doctor
    words = "、".join(inbox.text_for(doctor, lazy_label(reason)) for reason in reasons)
    inbox.post(
        doctor, "followup_alert",
        inbox.text_for(doctor, ALERTED, patient=plan.patient.legal_name, reasons=words),
        link=inbox.path_for("followup.plan", plan_id=plan.id), patient=plan.patient,
        subject=("followup_plan", plan.id),
    )  # fmt: skip


def send_due_reminders(today: date) -> int:
    """Remind each pending task of an active plan that falls due by today, once; a revisit
    reminder is the whole task, so it is done once sent. Returns how many were sent."""
    due = db.session.scalars(
        select(FollowUpTask)
        .join(FollowUpPlan)
        .where(
            FollowUpPlan.status == ACTIVE,
            FollowUpTask.status == PENDING,
            FollowUpTask.due_on <= today,
            FollowUpTask.reminded_on.is_(None),
        )
        .order_by(FollowUpTask.id)
    ).all()
    sent = 0
    for task in due:
        values: dict = {"reminded_on": today}
        if task.kind == REVISIT:
            values.update(status=DONE, done_at=utc_now())
        claimed = move_row(
            FollowUpTask, task.id, expected=PENDING, values=values,
            where=[FollowUpTask.reminded_on.is_(None)], bump_version=False,
        )  # fmt: skip
        if claimed:
            _remind(task)
            sent += 1
    return sent


def _remind(task: FollowUpTask) -> None:
    plan = task.plan
    link = (
        inbox.path_for("core.encounter_request")
        if task.kind == REVISIT
        else inbox.path_for("followup.task", task_id=task.id)
    )
    inbox.post_about(
        plan.patient, f"followup_{task.kind}",
        inbox.text_about(plan.patient, TASK_DUE[task.kind], name=plan.doctor.full_name),
        link=link, subject=("followup_task", task.id),
    )  # fmt: skip
