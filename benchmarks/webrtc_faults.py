"""WebRTC figures under network faults (issue 14), run by benchmarks/webrtc.py inside the private
network namespace, each on a fresh call between the demo doctor and the demo patient:

- the network comes back after a 5 s and a 30 s outage (every packet on loopback dropped, as when
  a phone loses its network): seconds until video decodes again, per page;
- the network goes: seconds until the page shows it (`window.tcmCall.phase === 'outage'`, polled
  every 50 ms; "never" if not within 35 s);
- a long call with default settings (TCM_BENCH_CALL_MINUTES, default 15): every 30 s frames grow,
  and chat goes both ways (every TCM_BENCH_CHAT_SECONDS, default 30); reports how long signaling
  (chat) and media lasted. A chat every 30 s keeps the socket busy, so today's server never
  idle-closes it; a chat only every 150 s lets the idle limit and the token lifetime show.
"""

from __future__ import annotations

import os
import time

from tests.webrtc.calls import (
    chat_both_ways,
    frames,
    frames_resumed_on,
    open_call,
    phase_reached_on,
    wait_frames,
)

RESUME_LIMIT = 60
SHOWN_LIMIT = 35
CHECK_EVERY = 30


def fresh_call(browser, base, encounter_id):
    doctor, patient = open_call(browser, base, encounter_id)
    for page in (doctor, patient):
        wait_frames(page)
    return doctor, patient


def hang_up(pages) -> None:
    for page in pages:
        page.context.close()


def seconds_or_never(value, limit) -> str:
    return f"{value:6.2f} s" if value is not None else f"never within {limit} s"


def recovery(browser, base, encounter_id, network, outage: float) -> list[float | None]:
    """Seconds from the network's return until each page decodes video again."""
    pages = fresh_call(browser, base, encounter_id)
    with network.outage(outage, kind="all"):
        pass
    resumed = frames_resumed_on(pages, RESUME_LIMIT)
    hang_up(pages)
    return resumed


def outage_shown(browser, base, encounter_id, network) -> list[float | None]:
    """Seconds from the cut until each page shows the outage; the cut lasts until both do."""
    pages = fresh_call(browser, base, encounter_id)
    network.cut("all")
    try:
        shown = phase_reached_on(pages, "outage", SHOWN_LIMIT)
    finally:
        network.restore()
    frames_resumed_on(pages, RESUME_LIMIT)  # let it settle before hanging up
    hang_up(pages)
    return shown


def long_call(browser, base, encounter_id, minutes: float, chat_every: int = CHECK_EVERY) -> dict:
    """Checks every 30 s; the first failed chat ends signaling's time, the first check without
    new frames ends media's. Keeps checking to the end (a later check may succeed again)."""
    doctor, patient = fresh_call(browser, base, encounter_id)
    began = time.monotonic()
    result = {"checks": 0, "chats": 0, "chat_ok": 0, "chat_failed_at": None}
    result["frames_stalled_at"] = None
    last = [frames(doctor), frames(patient)]
    check = 0
    while True:
        check += 1
        due = began + check * CHECK_EVERY
        if due > began + minutes * 60:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        at = time.monotonic() - began
        if (check * CHECK_EVERY) % chat_every < CHECK_EVERY:
            result["chats"] += 1
            try:
                chat_both_ways(doctor, patient, f"检查{check}", seconds=10)
                result["chat_ok"] += 1
            except Exception:  # Playwright's TimeoutError: the message never arrived
                result["chat_failed_at"] = result["chat_failed_at"] or at
        now = [frames(doctor), frames(patient)]
        if not all(n > before for n, before in zip(now, last, strict=True)):
            result["frames_stalled_at"] = result["frames_stalled_at"] or at
        last = now
        result["checks"] = check
    result["seconds"] = time.monotonic() - began
    hang_up((doctor, patient))
    return result


def spread(values: list[float | None], limit: float) -> str:
    """Median (min–max) over every page of every run; a page that never got there is named."""
    seen = sorted(v for v in values if v is not None)
    never = len(values) - len(seen)
    if not seen:
        return f"never within {limit} s"
    text = f"median {seen[len(seen) // 2]:5.2f} s ({seen[0]:.2f}–{seen[-1]:.2f})"
    return text + (f", {never} never within {limit} s" if never else "")


def report(browser, base, encounter_id, network) -> None:
    runs = int(os.environ.get("TCM_BENCH_OUTAGE_RUNS", "3"))
    for outage in (5, 30):
        values = []
        for _ in range(runs):
            values += recovery(browser, base, encounter_id, network, outage)
        print(
            f"{f'webrtc: {outage} s outage, network back -> video again':<52} "
            f"{spread(values, RESUME_LIMIT)}   n={runs} calls x 2 pages",
            flush=True,
        )
    values = []
    for _ in range(runs):
        values += outage_shown(browser, base, encounter_id, network)
    print(
        f"{'webrtc: network cut -> page shows the outage':<52} "
        f"{spread(values, SHOWN_LIMIT)}   n={runs} calls x 2 pages   target <= 3 s",
        flush=True,
    )
    minutes = float(os.environ.get("TCM_BENCH_CALL_MINUTES", "15"))
    chat_every = int(os.environ.get("TCM_BENCH_CHAT_SECONDS", str(CHECK_EVERY)))
    held = long_call(browser, base, encounter_id, minutes, chat_every)
    lasted = held["chat_failed_at"]
    media = held["frames_stalled_at"]
    print(
        f"{f'webrtc: {minutes:g} min call, default settings':<52} signaling "
        f"{'the whole call' if lasted is None else f'failed by {lasted:.0f} s'}   media "
        f"{'the whole call' if media is None else f'stalled by {media:.0f} s'}   "
        f"chat both ways {held['chat_ok']}/{held['chats']} (every {chat_every} s)",
        flush=True,
    )
