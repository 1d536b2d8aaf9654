"""Waiting for something another thread, process or browser does: poll for the condition itself
instead of sleeping a fixed time (too short under load, too long otherwise)."""

import sys
import threading
import time
import traceback
from collections.abc import Callable

POLL_SECONDS = 0.05


def wait_until(
    condition: Callable[[], object], seconds: float = 5.0, *, fail: bool = True
) -> object:
    """Call `condition` until it returns something true, and return that. After `seconds`, fail
    the test with AssertionError (or, with fail=False, return the last falsy answer)."""
    deadline = time.monotonic() + seconds
    while True:
        answer = condition()
        if answer or time.monotonic() > deadline:
            break
        time.sleep(POLL_SECONDS)
    if not answer and fail:
        raise AssertionError(
            f"timed out after {seconds} s waiting for {condition.__name__}\n{server_threads_now()}"
        )
    return answer


def server_threads_now() -> str:
    """Where every other thread of this process is, for the message of a wait that timed out: the
    test server's request and socket threads run here, so a handler stuck on a lock or a query
    shows up in the failure instead of a bare timeout."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    current = threading.get_ident()
    stacks = []
    for ident, frame in sys._current_frames().items():
        if ident != current:
            stack = "".join(traceback.format_stack(frame, limit=12))
            stacks.append(f"--- thread {names.get(ident, ident)}\n{stack}")
    return "\n".join(stacks)
