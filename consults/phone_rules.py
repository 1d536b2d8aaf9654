"""A phone call instead of a video consult (电话问诊) as plain rules: the patient of a booked
online visit asks for a call (once, while the visit is open and its video call has not ended);
the treating doctor records the call (started, then ended; or the patient not reached, after
which the doctor may try again). The visit's state is read from its process events, so the
record is the only truth. Pure: standard library and tcm_app.common.
"""

from collections.abc import Iterable

from tcm_app.common.errors import RuleError

REQUESTED = "phone_requested"
STARTED = "phone_started"
ENDED = "phone_ended"
NOT_REACHED = "phone_not_reached"
EVENTS = (REQUESTED, STARTED, ENDED, NOT_REACHED)
# What the doctor records, by the outcome the page posts.
OUTCOMES = {"started": STARTED, "ended": ENDED, "not_reached": NOT_REACHED}

# The states of a phone consult, from its events.
NONE, WAITING, IN_CALL, HELD = "none", "waiting", "in_call", "held"


class PhoneError(RuleError):
    pass


def phone_state(event_names: Iterable[str]) -> str:
    """Where the phone consult stands after its events in order: not asked for (none), asked
    for and not yet called or not reached (waiting), a call under way (in_call), held."""
    state = NONE
    for name in event_names:  # not reached: still waiting, the doctor may try again
        if name == REQUESTED and state == NONE:
            state = WAITING
        elif name == STARTED and state == WAITING:
            state = IN_CALL
        elif name == ENDED and state == IN_CALL:
            state = HELD
    return state


# What a list of visits shows of the phone consult: the state, with "not reached" told apart
# from "asked" so the doctor sees that a call was already tried.
SHOWN_NOT_REACHED = "not_reached"


def shown_state(event_names: Iterable[str]) -> str:
    """The phone consult as a list of visits shows it: none, waiting, not_reached (asked, the
    last try did not reach the patient), in_call or held."""
    names = [name for name in event_names if name in EVENTS]
    state = phone_state(names)
    if state == WAITING and names[-1] == NOT_REACHED:
        return SHOWN_NOT_REACHED
    return state


def check_request(state: str, visit_open: bool, online: bool, booked: bool, call_ended: bool):
    """May the patient ask for a phone call instead of the video consult now?"""
    if not online:
        raise PhoneError("phone_not_online", "only an online visit can be held by phone")
    if not visit_open or call_ended:
        raise PhoneError("phone_consult_over", "this consult has ended")
    if not booked:
        raise PhoneError("phone_not_booked", "book a time for the video consult first")
    if state != NONE:
        raise PhoneError("phone_already_requested", "a phone call is already asked for")


def check_record(state: str, outcome: str, visit_open: bool) -> str:
    """The event the doctor's record of the call makes, or why it cannot be recorded."""
    event = OUTCOMES.get(outcome)
    if event is None:
        raise PhoneError("phone_unknown_outcome", "record the call as started, ended, not reached")
    if state == NONE:
        raise PhoneError("phone_not_requested", "the patient has not asked for a phone call")
    if state == HELD:
        raise PhoneError("phone_already_held", "this phone consult is already held")
    # A call under way may still be recorded as ended once the doctor has closed the visit.
    if not visit_open and not (state == IN_CALL and event == ENDED):
        raise PhoneError("phone_consult_over", "this consult has ended")
    allowed = {WAITING: (STARTED, NOT_REACHED), IN_CALL: (ENDED,)}[state]
    if event not in allowed:
        code = "phone_not_started" if event == ENDED else "phone_in_call"
        raise PhoneError(code, "record the call in order: started, then ended")
    return event
