"""The one inbox (消息): every domain posts a message here (user, kind, text, link to the thing);
it is kept for the user's inbox page and pushed to their phone through the configured senders.
Messages are never deleted; opening one marks it read."""

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from tcm_app.common.errors import NotFoundError
from tcm_app.extensions import db
from tcm_app.models.accounts import User
from tcm_app.models.inbox import InboxMessage
from tcm_app.services import transitions
from tcm_app.services.clock import utc_now
from tcm_app.services.notify import senders
from tcm_app.services.urls import site_path

# How many messages the inbox page lists (newest first); older ones stay stored.
PAGE_SIZE = 50


def recipient_of(patient):
    """Who reads messages about `patient`: their own login, else their guardian's (a child)."""
    if patient.user is not None:
        return patient.user
    return patient.guardian.user if patient.guardian is not None else None


def text_for(user, message, **params) -> str:
    """A (lazily) translated message in its reader's language (their chosen one, else the
    hospital's), not in the language of whoever's click sent it; `params` fill its %(name)s."""
    locale = getattr(user, "preferred_locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        text = str(message)
    return text % params if params else text


def path_for(endpoint: str, **values) -> str:
    """A path on this site for a message's link, built with or without a request (tasks)."""
    return site_path(endpoint, **values)


def text_about(patient, message, **params) -> str:
    """`message` in the language of whoever reads the messages about `patient`."""
    return text_for(recipient_of(patient), message, **params)


def post_to_role(role: str, kind: str, message, params: dict | None = None, **kwargs) -> list:
    """Post `message` (a lazy translation, filled with `params`) to every active user of `role`,
    each in their own language; `kwargs` as for `post`. Returns whom it reached."""
    users = db.session.scalars(
        select(User).where(User.role == role, User.active.is_(True)).order_by(User.id)
    ).all()
    for user in users:
        post(user, kind, text_for(user, message, **(params or {})), **kwargs)
    return list(users)


def push(user, text: str, setting: str) -> dict:
    """Send `text` through every sender listed in `setting`; a failing gateway is noted, never
    raised, so the message is kept whatever the gateways do."""
    results = {}
    for sender in senders(setting):
        try:
            results[sender.name] = sender.send(user, text)
        except Exception as exc:  # a gateway failure must not lose the message
            current_app.logger.warning("message to user %s via %s failed: %s", user.id, sender, exc)
            results[sender.name] = f"failed: {exc}"
    return results


def post(
    user,
    kind: str,
    text: str,
    *,
    link: str | None = None,
    patient=None,
    subject: tuple[str, int] | None = None,
    senders_setting: str = "INBOX_SENDERS",
) -> InboxMessage:
    """Keep a message for `user` and push it to their phone. `patient` is whom it is about
    (a ward, for a guardian), `subject` the (type, id) of the thing. Flushes."""
    subject_type, subject_id = subject or (None, None)
    message = InboxMessage(
        user_id=user.id,
        patient_id=patient.id if patient is not None else None,
        kind=kind,
        text=text,
        link=link,
        subject_type=subject_type,
        subject_id=subject_id,
        delivery=push(user, text, senders_setting),
        created_at=utc_now(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def post_about(patient, kind: str, text: str, **kwargs) -> InboxMessage | None:
    """Post to whoever reads messages about `patient` (none for a child without a guardian)."""
    user = recipient_of(patient)
    if user is None:
        return None
    return post(user, kind, text, patient=patient, **kwargs)


def unread_count(user) -> int:
    return db.session.execute(
        select(func.count(InboxMessage.id)).where(
            InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None)
        )
    ).scalar_one()


def messages_for(user, limit: int = PAGE_SIZE) -> list[InboxMessage]:
    """The user's own messages, newest first."""
    return list(
        db.session.scalars(
            select(InboxMessage)
            .where(InboxMessage.user_id == user.id)
            .order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc())
            .limit(limit)
        )
    )


def open_message(user, message_id: int) -> InboxMessage:
    """The user's own message, marked read (once: the first reading time stays). Another
    user's message looks missing. Flushes."""
    message = db.session.get(InboxMessage, message_id)
    if message is None or message.user_id != user.id:
        raise NotFoundError("no such message", "not_found")
    transitions.move(message, column="read_at", expected=None, values={"read_at": utc_now()})
    return message
