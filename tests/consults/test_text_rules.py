"""Text consult rules (consults/text_rules.py): when the first answer is due, when an open thread
closes by itself, what a message may hold."""

from datetime import UTC, datetime, timedelta

import pytest

from consults.text_rules import ThreadError, ThreadTimes, check_message, due_closure, reply_due

pytestmark = pytest.mark.pure
OPENED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DUE = reply_due(OPENED, 24)
HOUR = timedelta(hours=1)


def times(first_reply=None, last=OPENED) -> ThreadTimes:
    return ThreadTimes(OPENED, DUE, first_reply, last)


CLOSURES = [
    ("unanswered a minute before the deadline stays open", times(), DUE - timedelta(minutes=1),
     None),
    ("unanswered at the deadline closes as unanswered", times(), DUE, "unanswered"),
    ("answered threads never close as unanswered", times(OPENED + HOUR, OPENED + HOUR),
     DUE + HOUR, None),
    ("answered and quiet for 72 hours closes as quiet", times(OPENED + HOUR, OPENED + 2 * HOUR),
     OPENED + 74 * HOUR, "quiet"),
    ("answered and quiet for 71 hours stays open", times(OPENED + HOUR, OPENED + 2 * HOUR),
     OPENED + 73 * HOUR, None),
]  # fmt: skip


@pytest.mark.parametrize(
    "thread, now, reason", [c[1:] for c in CLOSURES], ids=[c[0] for c in CLOSURES]
)
def test_an_open_thread_closes_by_itself_when_its_time_comes(thread, now, reason):
    assert due_closure(thread, now, quiet_hours=72) == reason


def test_the_first_answer_is_due_after_the_reply_hours():
    assert DUE == OPENED + 24 * HOUR


MESSAGES = [
    ("an empty message without a photo is refused", "  ", False, "empty_message"),
    ("a photo alone is a message", "", True, None),
    ("2000 characters are accepted", "舌" * 2000, False, None),
    ("2001 characters are refused", "舌" * 2001, False, "message_too_long"),
]


@pytest.mark.parametrize(
    "text, photo, code", [m[1:] for m in MESSAGES], ids=[m[0] for m in MESSAGES]
)
def test_what_a_message_may_hold(text, photo, code):
    if code is None:
        assert check_message(text, photo) == text.strip()
        return
    with pytest.raises(ThreadError) as refused:
        check_message(text, photo)
    assert refused.value.code == code
