"""Labels (translated) of the quality domain's codes and its audit log names. setup.py registers
them with the core's table."""

from flask_babel import lazy_gettext as _l

LABELS = {
    # complaint states
    "complaint_filed": _l("Awaiting an answer"),
    "complaint_answered": _l("Answered"),
}
ERROR_MESSAGES: dict = {}
AUDIT_ACTIONS: dict = {}
AUDIT_OBJECTS: dict = {}
