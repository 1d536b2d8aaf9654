"""One measured phase of make load, locust used as a library (scripts/load.py runs this as its own
process, so the load generator's CPU is that process's and gevent stays out of the parent).

    run_phase.py --kind trivial|floor|mixed --host URL --users N --seconds S --csv PREFIX
                 [--user-rps R]

The users start and sign in (mixed and floor: until every one is ready), then the statistics
are reset, the line "MEASURE START" is printed, S seconds run, "MEASURE END" is printed (the
parent samples CPU time at both lines), the users stop and PREFIX_stats.csv (locust's own
format, percentiles 50/95/99), PREFIX_failures.csv and PREFIX_extra.json (measured seconds,
users, refusals) are written."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

import gevent
import locust  # noqa: F401  (first: gevent's monkey-patching before any other import)
from locust.env import Environment
from locust.stats import StatsCSV

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
PERCENTILES = [0.5, 0.95, 0.99]


def user_classes(kind: str) -> list:
    if kind == "trivial":
        from trivial import Trivial

        return [Trivial]
    import locustfile

    return [locustfile.SignedInFloor] if kind == "floor" else locustfile.USER_CLASSES


def wait_until_ready(kind: str, users: int, limit_s: float) -> int:
    """Mixed and floor users sign in (and read their lists) first; wait for all (or the limit)."""
    if kind == "trivial":
        gevent.sleep(2)
        return users
    import locustfile

    deadline = time.monotonic() + limit_s
    while locustfile.READY["users"] < users and time.monotonic() < deadline:
        gevent.sleep(0.2)
    gevent.sleep(3)  # the first paced requests settle
    return locustfile.READY["users"]


def write_results(env, prefix: str, extra: dict) -> None:
    writer = StatsCSV(env, PERCENTILES)
    with open(f"{prefix}_stats.csv", "w", newline="") as out:
        writer.requests_csv(csv.writer(out))
    with open(f"{prefix}_failures.csv", "w", newline="") as out:
        writer.failures_csv(csv.writer(out))
    Path(f"{prefix}_extra.json").write_text(json.dumps(extra, ensure_ascii=False, indent=1))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=("trivial", "floor", "mixed"), required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--user-rps", type=float, default=1.0)
    parser.add_argument("--spawn-rate", type=float, default=10.0)
    args = parser.parse_args(argv)
    os.environ["TCM_LOAD_USER_RPS"] = str(args.user_rps)  # read by the locustfile at import

    env = Environment(user_classes=user_classes(args.kind), host=args.host)
    if args.kind != "trivial":
        import locustfile

        locustfile.READY["expected"] = args.users
    runner = env.create_local_runner()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    ready = wait_until_ready(args.kind, args.users, limit_s=args.users / args.spawn_rate + 120)
    warmup_errors = [
        f"{e.method} {e.name}: {e.error} ×{e.occurrences}" for e in env.stats.errors.values()
    ]
    env.stats.reset_all()
    exceptions_before = {key: e["count"] for key, e in runner.exceptions.items()}
    if args.kind != "trivial":
        import locustfile

        locustfile.REFUSALS.clear()
        locustfile.TIMINGS.clear()
    started = time.monotonic()
    print("MEASURE START", flush=True)
    gevent.sleep(args.seconds)
    measured = time.monotonic() - started
    print("MEASURE END", flush=True)
    runner.stop()
    # A journey that broke on a page it could not read (not a failed request): an error too.
    exceptions = [
        f"{e['msg']} ×{e['count'] - exceptions_before.get(key, 0)}"
        for key, e in runner.exceptions.items()
        if e["count"] > exceptions_before.get(key, 0)
    ]
    refusals, timings = {}, {}
    if args.kind != "trivial":
        import locustfile

        refusals, timings = dict(locustfile.REFUSALS), dict(locustfile.TIMINGS)
    write_results(
        env,
        args.csv,
        {
            "seconds": measured,
            "users": args.users,
            "ready": ready,
            "refusals": refusals,
            "server_timing": timings,
            "exceptions": exceptions,
            "warmup_errors": warmup_errors,
        },
    )
    runner.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
