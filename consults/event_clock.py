"""When a call event happened. The browser says when (its clock, in milliseconds); the server
estimates the browser's clock offset from the pings of the same socket and accepts the time only if
it is plausible against its own clock. An event sent after an outage then carries the outage's real
start, not the moment the network came back. Pure: standard library only."""

from dataclasses import dataclass

# An event may arrive long after it happened (queued through an outage); older than this, or later
# than its own arrival by more than the tolerance, the browser's time is not believed.
MAX_DELAY_MS = 60 * 60 * 1000
FUTURE_TOLERANCE_MS = 2000
# Browser timestamps outside this range are not times at all (2001 to 2286 in epoch ms).
SANE_EPOCH_MS = (10**12, 10**13)


@dataclass
class ClockOffset:
    """server − browser, in ms, estimated per socket. Each ping gives (arrival − sent) = offset +
    one-way delay; the smallest such sample has the least delay in it, so it is kept."""

    offset_ms: int | None = None

    def sample(self, browser_ms, server_ms: int) -> None:
        if not is_browser_time(browser_ms):
            return
        seen = server_ms - int(browser_ms)
        if self.offset_ms is None or seen < self.offset_ms:
            self.offset_ms = seen


@dataclass(frozen=True)
class EventTime:
    occurred_ms: int  # on the server's clock
    source: str  # "browser": the browser's time, corrected; "server": the arrival


def is_browser_time(value) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and SANE_EPOCH_MS[0] <= value < SANE_EPOCH_MS[1]
    )


def event_time(browser_ms, offset: ClockOffset, received_ms: int) -> EventTime:
    """The browser's time moved onto the server's clock, if plausible; else the arrival time."""
    if not is_browser_time(browser_ms):
        return EventTime(received_ms, "server")
    corrected = int(browser_ms) + (offset.offset_ms or 0)
    if corrected > received_ms + FUTURE_TOLERANCE_MS or corrected < received_ms - MAX_DELAY_MS:
        return EventTime(received_ms, "server")
    return EventTime(min(corrected, received_ms), "browser")
