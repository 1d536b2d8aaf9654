"""Waiting for something another thread, process or browser does: poll for the condition itself
instead of sleeping a fixed time (too short under load, too long otherwise)."""

import time
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
        raise AssertionError(f"timed out after {seconds} s waiting for {condition.__name__}")
    return answer
