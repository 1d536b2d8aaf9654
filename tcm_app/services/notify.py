"""Messages to patients through pluggable senders (e-mail, SMS gateways). Real gateways cannot
exist here; they implement `Sender` and are listed in a setting; the log sender is the default."""

from typing import Protocol

from flask import current_app

from tcm_app.common.masking import mask_phone


class Sender(Protocol):
    name: str

    def send(self, user, message: str) -> str:
        """Deliver `message` to `user`; return the gateway's reference."""


class LogSender:
    name = "log"

    def send(self, user, message: str) -> str:
        # Someone not yet registered is known by a phone only (masked, as everywhere else).
        phone = getattr(user, "phone", None)
        recipient = f"user {user.id}" if user.id is not None else f"phone {mask_phone(phone)}"
        current_app.logger.info("notify %s: %s", recipient, message)
        return "logged"


def senders(setting: str) -> list[Sender]:
    """The senders listed in the config key `setting`, or the log sender alone."""
    return current_app.config.get(setting) or [LogSender()]


class SandboxSender:
    """Stands in for an SMS gateway in tests and demos: keeps every message it was given, in
    memory, so a test reads the verification code a person would read on their phone."""

    name = "sandbox"

    def __init__(self):
        self.sent: list[tuple[str | None, str]] = []

    def send(self, user, message: str) -> str:
        self.sent.append((getattr(user, "phone", None), message))
        return f"sandbox-{len(self.sent)}"

    def last_to(self, phone: str) -> str | None:
        """The latest message sent to `phone`, if any."""
        return next((text for to, text in reversed(self.sent) if to == phone), None)
