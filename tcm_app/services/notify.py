"""Messages to patients through pluggable senders (e-mail, SMS gateways). Real gateways cannot
exist here; they implement `Sender` and are listed in a setting; the log sender is the default."""

from typing import Protocol

from flask import current_app


class Sender(Protocol):
    name: str

    def send(self, user, message: str) -> str:
        """Deliver `message` to `user`; return the gateway's reference."""


class LogSender:
    name = "log"

    def send(self, user, message: str) -> str:
        current_app.logger.info("notify user %s: %s", user.id, message)
        return "logged"


def senders(setting: str) -> list[Sender]:
    """The senders listed in the config key `setting`, or the log sender alone."""
    return current_app.config.get(setting) or [LogSender()]
