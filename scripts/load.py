"""make load: the mixed workload (benchmarks/load/locustfile.py) against the production stack on
this machine, with two nodes and then one, and where the time goes (issue 21).

    .venv/bin/python scripts/load.py

Starts the stack when it is not ready (scripts/prod.py start with the demo data, on the ports and
in the state folder of the TCM_PROD_* settings), seeds the load's accounts and records
(benchmarks/load/seed.py, once), then for each topology:

  a) a trivial page (/healthz; /login while /healthz is missing) as fast as the stack serves it,
     TCM_LOAD_TRIVIAL_SECONDS (20): the framework's ceiling here, in requests a second;
  b) the signed-in floor: patients read their inbox (the cheapest page that loads the session's
     user and their own rows) with no pause, TCM_LOAD_FLOOR_SECONDS (20): what any page that
     shows a signed-in person their data can reach on this stack, as a share of the ceiling;
  c) the mixed workload at a fixed arrival rate, TCM_LOAD_SHARE (0.25) of that ceiling, for
     TCM_LOAD_SECONDS (60); then steps at the shares of TCM_LOAD_STEP (0.40; a comma-separated
     list, e.g. 0.10,0.40; 0 skips them) for TCM_LOAD_STEP_SECONDS (40) each;
  (TCM_LOAD_TOPOLOGIES=two or one runs only that topology: a quicker look while tuning)

and prints, per phase, each request type's count, rate, p50/p95/p99 and errors, the ratio of the
mix's rate to the ceiling, whether p99 ≤ 200 ms, and the CPU time of each part of the stack (nodes,
PostgreSQL, Redis, nginx, Celery), of the load generator and of the rest of the machine over the
measured window (from /proc: the parts share the machine's two cores with the load). The report
is also written to benchmarks/load/last-report.txt. Exit status 1 when a request failed.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import prod  # noqa: E402  (scripts/prod.py: the stack's ports, pid files and commands)

LOAD_DIR = ROOT / "benchmarks" / "load"
REPORT = LOAD_DIR / "last-report.txt"
PYTHON = ROOT / ".venv" / "bin" / "python"
TICKS = os.sysconf("SC_CLK_TCK")
P99_TARGET_MS = 200
SHARE_TARGET = 0.25


def setting(name: str, default: float) -> float:
    return float(os.environ.get(f"TCM_LOAD_{name}", default))


# --- CPU time from /proc ---------------------------------------------------------------------


def process_ticks(pid: int) -> int:
    """utime + stime + cutime + cstime of one process (children it reaped count in cutime, so a
    worker that ends inside the window is not lost), in clock ticks; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    return sum(int(value) for value in fields[11:15])


def descendants(pid: int) -> list[int]:
    """The process and every process below it (children listed by each of its threads)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in children.read_text().split())
            except OSError:
                continue
    return found


def tree_ticks(pid: int | None) -> int:
    return sum(process_ticks(p) for p in descendants(pid)) if pid else 0


def machine_busy_ticks() -> int:
    """Busy CPU time of the whole machine (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values[:8]) - idle


def postmaster_pid() -> int | None:
    try:
        pid = int((prod.PG_DATA / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if prod.alive(pid) else None


def component_roots(generator_pid: int) -> dict[str, list[int | None]]:
    """The root processes of each part whose trees are sampled."""
    return {
        **{
            f"node {n}": [prod.read_pid(prod.node_pid_file(n))]
            for n in range(1, len(prod.NODE_PORTS) + 1)
        },
        "PostgreSQL": [postmaster_pid()],
        "Redis": [prod.read_pid(prod.REDIS_PID)],
        "nginx": [prod.read_pid(prod.NGINX_PID)],
        "Celery": [prod.read_pid(prod.WORKER_PID), prod.read_pid(prod.BEAT_PID)],
        "load generator": [generator_pid],
    }


def sample(roots: dict[str, list[int | None]]) -> dict[str, int]:
    ticks = {name: sum(tree_ticks(pid) for pid in pids) for name, pids in roots.items()}
    ticks["machine"] = machine_busy_ticks()
    return ticks


def cpu_split(before: dict[str, int], after: dict[str, int]) -> dict[str, float]:
    """CPU seconds of each part over the window; "rest of the machine" is what other programs
    (other people's work on this machine) used meanwhile."""
    seconds = {name: (after[name] - before[name]) / TICKS for name in before if name != "machine"}
    machine = (after["machine"] - before["machine"]) / TICKS
    seconds["rest of the machine"] = max(0.0, machine - sum(seconds.values()))
    return seconds


# --- one phase --------------------------------------------------------------------------------


@dataclass
class Row:
    method: str
    name: str
    count: int
    failures: int
    avg: float | None
    p50: float | None
    p95: float | None
    p99: float | None


@dataclass
class Phase:
    title: str
    kind: str
    seconds: float
    rows: list[Row]
    total: Row
    failures: list[str]
    cpu: dict[str, float]
    extra: dict = field(default_factory=dict)
    target_rps: float | None = None

    @property
    def rps(self) -> float:
        """Requests answered as they should be, a second (a fast error page is no throughput)."""
        answered = self.total.count - self.total.failures
        return answered / self.seconds if self.seconds else 0.0


def _number(text: str) -> float | None:
    return None if text in ("", "N/A") else float(text)


def parse_stats(path: Path) -> tuple[list[Row], Row]:
    """Locust's PREFIX_stats.csv: one row per request type, then the "Aggregated" total."""
    rows = []
    with path.open(newline="") as stats:
        for record in csv.DictReader(stats):
            rows.append(
                Row(
                    method=record["Type"],
                    name=record["Name"],
                    count=int(record["Request Count"]),
                    failures=int(record["Failure Count"]),
                    avg=_number(record["Average Response Time"]),
                    p50=_number(record["50%"]),
                    p95=_number(record["95%"]),
                    p99=_number(record["99%"]),
                )
            )
    total = next(row for row in rows if row.name == "Aggregated")
    return [row for row in rows if row is not total and row.count], total


def parse_failures(path: Path) -> list[str]:
    if not path.exists():
        return []
    with path.open(newline="") as failures:
        return [
            f"{r['Method']} {r['Name']}: {r['Error']} ×{r['Occurrences']}"
            for r in csv.DictReader(failures)
        ]


def run_phase(title: str, kind: str, users: int, seconds: float, user_rps: float = 1.0) -> Phase:
    prefix = Path(tempfile.mkdtemp(prefix="tcm-load-")) / kind
    env = {**os.environ}
    if kind == "trivial":
        env["TCM_LOAD_TRIVIAL_PATH"] = trivial_path()
    command = [
        PYTHON, LOAD_DIR / "run_phase.py", "--kind", kind, "--host", prod.BASE_URL,
        "--users", users, "--seconds", seconds, "--csv", prefix, "--user-rps", f"{user_rps:.4f}",
    ]  # fmt: skip
    log(
        f"{title}: {users} users for {seconds:.0f} s"
        + (f", {user_rps:.2f} req/s each" if kind == "mixed" else "")
    )
    child = subprocess.Popen(
        [str(part) for part in command], env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    roots, before, after = None, None, None
    for line in child.stdout:
        if line.startswith("MEASURE START"):
            roots = component_roots(child.pid)
            before = sample(roots)
        elif line.startswith("MEASURE END"):
            after = sample(roots)
    if child.wait() != 0 or before is None or after is None:
        raise SystemExit(f"load: the {title} phase did not run (exit {child.returncode})")
    rows, total = parse_stats(Path(f"{prefix}_stats.csv"))
    extra = json.loads(Path(f"{prefix}_extra.json").read_text())
    return Phase(
        title=title,
        kind=kind,
        seconds=extra["seconds"],
        rows=rows,
        total=total,
        failures=parse_failures(Path(f"{prefix}_failures.csv")),
        cpu=cpu_split(before, after),
        extra=extra,
        target_rps=users * user_rps if kind == "mixed" else None,
    )


_trivial_path: list[str] = []


def trivial_path() -> str:
    """/healthz when the app has it; else /login (a page, so a little more than trivial)."""
    if not _trivial_path:
        status, _body = prod.get(prod.BASE_URL + "/healthz")
        _trivial_path.append("/healthz" if status == 200 else "/login")
    return _trivial_path[0]


def mixed_users(rate: float) -> tuple[int, float]:
    """Users and each one's pace for an arrival rate: about one request a second each (a person
    reading pages), within the seeded accounts' reach."""
    users = int(min(max(round(rate), 10), 140))
    return users, rate / users


# --- the report --------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def timing_of(phase: Phase, name: str) -> tuple[str, str, str]:
    """Mean database ms, application ms and SQL statements of a request type (Server-Timing),
    or blanks."""
    sums = phase.extra.get("server_timing", {}).get(name)
    if not sums or not sums[0]:
        return "", "", ""
    statements = sums[3] if len(sums) > 3 else 0
    return f"{sums[1] / sums[0]:.0f}", f"{sums[2] / sums[0]:.0f}", f"{statements / sums[0]:.0f}"


def phase_table(phase: Phase) -> list[str]:
    refusals = phase.extra.get("refusals", {})
    lines = [
        f"{phase.title}: {phase.seconds:.0f} s measured"
        + (f", target {phase.target_rps:.1f} req/s" if phase.target_rps else ""),
        f"  {'request type':32} {'count':>6} {'req/s':>6} {'p50':>5} {'p95':>5} {'p99':>5}"
        f" {'errors':>6} {'refused':>7} {'db':>4} {'app':>4} {'sql':>4}",
    ]
    for row in sorted(phase.rows, key=lambda r: r.name):
        database, application, statements = timing_of(phase, row.name)
        lines.append(
            f"  {row.name:32} {row.count:6d} {row.count / phase.seconds:6.2f} {ms(row.p50):>5}"
            f" {ms(row.p95):>5} {ms(row.p99):>5} {row.failures:6d}"
            f" {refusals.get(row.name, 0):7d} {database:>4} {application:>4} {statements:>4}"
        )
    t = phase.total
    lines.append(
        f"  {'total':32} {t.count:6d} {t.count / phase.seconds:6.2f} {ms(t.p50):>5} {ms(t.p95):>5}"
        f" {ms(t.p99):>5} {t.failures:6d} {sum(refusals.values()):7d}"
    )
    lines.append(
        "  (ms; refused: writes the app refused as it should, handled as a person would;"
        " db/app: mean ms in database statements / the rest of the app, sql: statements a"
        " request, from Server-Timing)"
    )
    lines += time_split(phase)
    for failure in phase.failures[:10]:
        lines.append(f"  ERROR {failure}")
    for exception in phase.extra.get("exceptions", [])[:10]:
        lines.append(f"  ERROR in a journey: {exception}")
    for warning in phase.extra.get("warmup_errors", []):
        lines.append(f"  error while signing in (before the window): {warning}")
    if phase.kind == "mixed" and phase.extra.get("ready") != phase.extra.get("users"):
        ready, users = phase.extra.get("ready"), phase.extra.get("users")
        lines.append(f"  only {ready} of {users} users were ready")
    return lines


def time_split(phase: Phase) -> list[str]:
    """Where a mean request's time went: database, application, and waiting (for a thread of a
    node, in nginx and on the wire: the latency the two others leave)."""
    timings = phase.extra.get("server_timing", {})
    count = sum(sums[0] for sums in timings.values())
    if not count or phase.total.avg is None:
        return (
            ["  (no Server-Timing: start the stack with TCM_SERVER_TIMING=1 for the db/app split)"]
            if phase.kind == "mixed"
            else []
        )
    database = sum(sums[1] for sums in timings.values()) / count
    application = sum(sums[2] for sums in timings.values()) / count
    waiting = max(0.0, phase.total.avg - database - application)
    return [
        f"  a mean request {phase.total.avg:.0f} ms: database {database:.0f} ms,"
        f" application {application:.0f} ms, waiting (queue, nginx, TLS) {waiting:.0f} ms"
    ]


def cpu_table(phase: Phase) -> list[str]:
    total = sum(phase.cpu.values()) or 1.0
    stack = sum(
        v for k, v in phase.cpu.items() if k not in ("load generator", "rest of the machine")
    )
    lines = [
        f"  CPU over the window ({phase.seconds:.0f} s; 2 cores = {2 * phase.seconds:.0f} CPU s):"
    ]
    for name, seconds in phase.cpu.items():
        lines.append(
            f"    {name:22} {seconds:7.1f} CPU s {100 * seconds / total:5.1f} %"
            f"  ({seconds / phase.seconds:.2f} cores)"
        )
    lines.append(
        f"    the stack's own parts: {stack:.1f} CPU s, "
        f"{1000 * stack / max(phase.total.count, 1):.1f} ms CPU a request"
    )
    return lines


def summary(topology: str, trivial: Phase, floor: Phase, mixed: list[Phase]) -> list[str]:
    floor_share = floor.rps / trivial.rps if trivial.rps else 0.0
    lines = [
        f"{topology}: trivial {trivial_path()} {trivial.rps:.1f} req/s answered"
        f" (the ceiling here; errors {trivial.total.failures})",
        f"  signed-in floor (a patient's inbox, no pause): {floor.rps:.1f} req/s answered"
        f" = {100 * floor_share:.0f} % of the ceiling, p99 {floor.total.p99 or 0:.0f} ms,"
        f" errors {floor.total.failures}: no mix of signed-in pages goes faster",
    ]
    for phase in mixed:
        ratio = phase.rps / trivial.rps if trivial.rps else 0.0
        p99 = phase.total.p99 or 0
        ok = ratio >= SHARE_TARGET and p99 <= P99_TARGET_MS and phase.total.failures == 0
        slowest = sorted(phase.rows, key=lambda r: r.p99 or 0, reverse=True)[:4]
        lines.append(
            f"  {phase.title}: {phase.rps:.1f} req/s answered = {100 * ratio:.0f} % of the ceiling"
            f" (target {phase.target_rps:.1f}), p99 {p99:.0f} ms"
            f" ({'≤' if p99 <= P99_TARGET_MS else '>'} {P99_TARGET_MS} ms),"
            f" errors {phase.total.failures}: {'MET' if ok else 'MISSED'}"
        )
        lines.append("    slowest p99: " + ", ".join(f"{r.name} {ms(r.p99)} ms" for r in slowest))
    return lines


def log(message: str) -> None:
    print(f"load: {message}", flush=True)


# --- the run -----------------------------------------------------------------------------------


def prod_command(*args: str) -> None:
    env = {**os.environ}
    env.setdefault("TCM_PROD_DEMO", "1")
    subprocess.run([str(PYTHON), str(ROOT / "scripts" / "prod.py"), *args], env=env, check=True)


def seed() -> None:
    result = subprocess.run(
        [str(PYTHON), str(LOAD_DIR / "seed.py")],
        env=prod.app_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"load: seeding failed\n{result.stdout}{result.stderr}")
    log(result.stdout.strip().splitlines()[-1])


def topology_run(topology: str) -> tuple[Phase, Phase, list[Phase]]:
    trivial = run_phase(
        f"{topology}, trivial", "trivial", users=int(setting("TRIVIAL_USERS", 32)),
        seconds=setting("TRIVIAL_SECONDS", 20),
    )  # fmt: skip
    log(f"{topology}: trivial {trivial.rps:.1f} req/s")
    floor = run_phase(
        f"{topology}, signed-in floor", "floor", users=int(setting("TRIVIAL_USERS", 32)),
        seconds=setting("FLOOR_SECONDS", 20),
    )  # fmt: skip
    log(f"{topology}: signed-in floor {floor.rps:.1f} req/s")
    mixed = []
    steps = [float(share) for share in os.environ.get("TCM_LOAD_STEP", "0.40").split(",")]
    shares = [setting("SHARE", SHARE_TARGET), *(share for share in steps if share > 0)]
    for number, share in enumerate(shares):
        users, pace = mixed_users(share * trivial.rps)
        seconds = setting("SECONDS", 60) if number == 0 else setting("STEP_SECONDS", 40)
        mixed.append(
            run_phase(f"{topology}, mixed at {100 * share:.0f} %", "mixed", users, seconds, pace)
        )
    return trivial, floor, mixed


# TCM_LOAD_TOPOLOGIES=two: only the two-node runs (a quicker look while tuning).
TOPOLOGIES = {"two": ("two nodes",), "one": ("one node",)}.get(
    os.environ.get("TCM_LOAD_TOPOLOGIES", ""), ("two nodes", "one node")
)


def main() -> int:
    started = time.monotonic()
    if not prod.ready()[0]:
        log("the stack is not ready: starting it (scripts/prod.py start)")
        # The nodes say where each request's time went (Server-Timing), for the report.
        os.environ.setdefault("TCM_SERVER_TIMING", "1")
        prod_command("start")
    seed()
    report = [
        f"make load, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {prod.BASE_URL}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start",
    ]
    if trivial_path() != "/healthz":
        report.append("(/healthz is missing on this branch: the trivial page is GET /login)")
    results = {}
    try:
        for topology in TOPOLOGIES:
            if topology == "one node":
                prod_command("node-stop", "2")
            results[topology] = topology_run(topology)
    finally:
        if prod.read_pid(prod.node_pid_file(2)) is None:
            prod_command("node-start", "2")
    failures = 0
    for trivial, floor, mixed in results.values():
        for phase in (trivial, floor, *mixed):
            report += ["", *phase_table(phase), *cpu_table(phase)]
            failures += phase.total.failures + len(phase.extra.get("exceptions", []))
    report.append("")
    for topology, (trivial, floor, mixed) in results.items():
        report += summary(topology, trivial, floor, mixed)
    report.append(f"errors: {failures}; the run took {time.monotonic() - started:.0f} s")
    text = "\n".join(report)
    print("\n" + text)
    REPORT.write_text(text + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
