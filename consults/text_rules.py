"""Text and image consults (图文问诊) as plain rules: when the doctor's first answer is due, when
an open thread closes by itself (unanswered by the deadline: the fee is refunded; quiet for the
quiet period after an answer), and what a message may hold.

Pure: standard library and tcm_app.common.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from tcm_app.common.errors import RuleError

MAX_MESSAGE_CHARS = 2000
UNANSWERED, QUIET, BY_DOCTOR = "unanswered", "quiet", "doctor"


class ThreadError(RuleError):
    pass


@dataclass(frozen=True)
class ThreadTimes:
    opened_at: datetime
    reply_due_at: datetime
    first_reply_at: datetime | None
    last_message_at: datetime


def reply_due(opened_at: datetime, reply_hours: int) -> datetime:
    return opened_at + timedelta(hours=reply_hours)


def due_closure(times: ThreadTimes, now: datetime, quiet_hours: int) -> str | None:
    """Why an open thread closes now by itself, if it does: no first answer by the deadline
    (unanswered), or nothing written for `quiet_hours` after the doctor answered (quiet)."""
    if times.first_reply_at is None:
        return UNANSWERED if now >= times.reply_due_at else None
    if now >= times.last_message_at + timedelta(hours=quiet_hours):
        return QUIET
    return None


def check_message(text: str, has_attachment: bool) -> str:
    """The text as kept (trimmed); ThreadError when there is nothing to send or it is too long."""
    kept = (text or "").strip()
    if not kept and not has_attachment:
        raise ThreadError("empty_message", "write a message or add a photo")
    if len(kept) > MAX_MESSAGE_CHARS:
        raise ThreadError(
            "message_too_long",
            f"at most {MAX_MESSAGE_CHARS} characters",
            {"max": MAX_MESSAGE_CHARS},
        )
    return kept
