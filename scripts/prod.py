"""The production stack on this machine: PostgreSQL, Redis, two gunicorn nodes, nginx in front, a
Celery worker and beat (TCM_ENV=production). `make prod` starts it, `make prod-stop` ends it.

    .venv/bin/python scripts/prod.py start|stop|status|env
    .venv/bin/python scripts/prod.py node-stop N | node-kill N | node-start N | worker-kill ...

Everything lives in one state folder (TCM_PROD_DIR, default instance/prod): the database, Redis's
append-only file, the shared upload folder both nodes use, the generated secrets (prod.env, mode
600, made once), the TLS certificate, the nginx configuration, pid files and logs. Services listen
on loopback only; the ports are settings (TCM_PROD_*_PORT). The fault scripts (scripts/faults.py)
and the load run (scripts/load.py) use the functions here to reach and break the parts.

Standard library only: it runs before anything is known to work."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from base64 import urlsafe_b64encode
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
STATE = Path(os.environ.get("TCM_PROD_DIR", ROOT / "instance" / "prod")).resolve()
LOGS = STATE / "logs"
ENV_FILE = STATE / "prod.env"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(f"TCM_PROD_{name}_PORT", default))


HTTPS_PORT = _port("HTTPS", 8443)
HTTP_PORT = _port("HTTP", 8080)
PG_PORT = _port("PG", 15500)
REDIS_PORT = _port("REDIS", 16500)
NODE_PORTS = tuple(
    int(port) for port in os.environ.get("TCM_PROD_NODE_PORTS", "8101,8102").split(",")
)
BASE_URL = f"https://127.0.0.1:{HTTPS_PORT}"
MAX_BODY = "12m"  # MAX_CONTENT_LENGTH of the app (12 MiB): nginx refuses larger bodies first


def log(message: str) -> None:
    print(f"prod: {message}", flush=True)


class StackError(RuntimeError):
    pass


# --- small process helpers ------------------------------------------------------------------


def read_pid(path: Path) -> int | None:
    try:
        pid = int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if alive(pid) else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (killed, not yet reaped by its parent) is gone for our purposes.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def wait_until(check, seconds: float, what: str, step: float = 0.1) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step)
    raise StackError(f"{what} did not happen within {seconds:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def stop_pid(pid_file: Path, name: str, sig: int = signal.SIGTERM, seconds: float = 30) -> None:
    pid = read_pid(pid_file)
    if pid is None:
        return
    os.kill(pid, sig)
    try:
        wait_until(lambda: not alive(pid), seconds, f"{name} stopping")
    except StackError:
        log(f"{name} did not stop on {signal.Signals(sig).name}: killing it")
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not alive(pid), 10, f"{name} being killed")
    log(f"{name} stopped")


def run(args: list, env: dict | None = None, user: str | None = None, quiet: bool = True) -> str:
    if user is not None and os.geteuid() == 0:
        args = ["runuser", "-u", user, "--", *args]
    result = subprocess.run(
        [str(arg) for arg in args], env=env, capture_output=True, text=True, cwd="/"
    )
    if result.returncode != 0:
        raise StackError(f"{' '.join(map(str, args))} failed:\n{result.stdout}{result.stderr}")
    if not quiet:
        print(result.stdout, end="")
    return result.stdout


# --- secrets and settings -------------------------------------------------------------------


# Settings a run may choose for the stack's processes (every other TCM_* of the caller's own
# environment is left out, so a test's settings never leak into the stack).
PASSED_ON = (
    "TCM_CELERY_VISIBILITY_SECONDS",
    "TCM_SERVER_TIMING",
    # The nodes' shape (deploy/gunicorn.conf.py), for trying others under make load.
    "TCM_NODE_WORKERS",
    "TCM_NODE_THREADS",
    "TCM_NODE_SWITCH_MS",
)


def settings() -> dict[str, str]:
    """The environment every part of the application runs with (prod.env, made once)."""
    if not ENV_FILE.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        values = {
            "TCM_SECRET_KEY": secrets.token_urlsafe(48),
            "TCM_FIELD_KEY": urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "TCM_PAYMENT_NOTIFY_SECRET": secrets.token_urlsafe(48),
            "TCM_PROD_DB_PASSWORD": secrets.token_hex(24),
        }
        ENV_FILE.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
        ENV_FILE.chmod(0o600)
    stored = dict(line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    password = stored.pop("TCM_PROD_DB_PASSWORD")
    redis = f"redis://127.0.0.1:{REDIS_PORT}"
    passed_on = {key: os.environ[key] for key in PASSED_ON if os.environ.get(key)}
    return {
        **passed_on,
        **stored,
        "TCM_ENV": "production",
        "TCM_DATABASE_URL": f"postgresql+psycopg://tcm:{password}@127.0.0.1:{PG_PORT}/tcm",
        "TCM_CELERY_BROKER_URL": f"{redis}/0",
        "TCM_RATELIMIT_STORAGE_URL": f"{redis}/1",
        "TCM_UPLOAD_FOLDER": str(STATE / "uploads"),
        "TCM_TRUSTED_PROXIES": "1",
        "TCM_PUBLIC_BASE_URL": BASE_URL,
    }


def app_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TCM_")}
    env.update(settings())
    env.update(extra)
    return env


def db_password() -> str:
    settings()
    return dict(line.split("=", 1) for line in ENV_FILE.read_text().splitlines())[
        "TCM_PROD_DB_PASSWORD"
    ]


# --- PostgreSQL -----------------------------------------------------------------------------


def pg_bin(name: str) -> Path:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True
    )
    for folder in versions:
        if (folder / name).exists():
            return folder / name
    raise StackError("PostgreSQL is not installed: run scripts/system-deps.sh prod")


PG_DATA = STATE / "pg" / "data"
PG_RUN = STATE / "pg" / "run"  # its Unix socket (the superuser's own way in; trust, local only)


def pg_start() -> None:
    if (PG_DATA / "postmaster.pid").exists() and port_open(PG_PORT):
        return
    fresh = not (PG_DATA / "PG_VERSION").exists()
    for folder in (PG_DATA.parent, PG_RUN):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(folder, "postgres", "postgres")
    if fresh:
        run(
            [pg_bin("initdb"), "-D", PG_DATA, "-U", "postgres", "-E", "UTF8",
             "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256"],
            user="postgres",
        )  # fmt: skip
    options = (
        f"-c listen_addresses=127.0.0.1 -p {PG_PORT} -k {PG_RUN} -c max_connections=200 "
        "-c shared_buffers=256MB -c idle_in_transaction_session_timeout=60s"
    )
    run(
        [pg_bin("pg_ctl"), "-D", PG_DATA, "-l", STATE / "pg" / "server.log", "-w", "-t", "60",
         "-o", options, "start"],
        user="postgres",
    )  # fmt: skip
    if fresh:
        password = db_password()
        psql("CREATE ROLE tcm LOGIN PASSWORD '" + password + "'")
        psql("CREATE DATABASE tcm OWNER tcm")
    log(f"PostgreSQL on 127.0.0.1:{PG_PORT}")


def psql(sql: str, database: str = "postgres") -> str:
    return run(
        [pg_bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", PG_RUN, "-p", PG_PORT,
         "-U", "postgres", "-d", database, "-At", "-c", sql],
        user="postgres",
    )  # fmt: skip


def pg_stop(mode: str = "fast") -> None:
    if not (PG_DATA / "postmaster.pid").exists():
        return
    run([pg_bin("pg_ctl"), "-D", PG_DATA, "-m", mode, "-w", "-t", "60", "stop"], user="postgres")
    log("PostgreSQL stopped")


# --- Redis ----------------------------------------------------------------------------------

REDIS_PID = STATE / "redis" / "redis.pid"


def redis_start() -> None:
    if read_pid(REDIS_PID) is not None:
        return
    folder = REDIS_PID.parent
    folder.mkdir(parents=True, exist_ok=True)
    # Append-only with a sync every second: queued tasks and rate-limit counters survive a
    # restart of Redis (a second of writes at most is lost when the machine itself fails).
    run(
        ["redis-server", "--bind", "127.0.0.1", "--port", REDIS_PORT, "--daemonize", "yes",
         "--pidfile", REDIS_PID, "--dir", folder, "--logfile", LOGS / "redis.log",
         "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
    )  # fmt: skip
    wait_until(lambda: port_open(REDIS_PORT), 10, "Redis answering")
    log(f"Redis on 127.0.0.1:{REDIS_PORT}")


def redis_stop() -> None:
    stop_pid(REDIS_PID, "Redis")


# --- the application: migrations, nodes, worker, beat ---------------------------------------


def flask(*args: str, **extra: str) -> str:
    return run([VENV_BIN / "flask", "--app", "tcm_app.app", *args], env=app_env(**extra))


def migrate(demo: bool) -> None:
    (STATE / "uploads").mkdir(parents=True, exist_ok=True)
    flask("db", "upgrade")
    flask("import-reference")
    flask("codes", "import", "--if-empty", str(ROOT / "tcm_app/data/gbt15657_codes.csv"))
    if demo:
        # seed-demo refuses a production configuration, rightly: the demo's accounts share one
        # known password. This rehearsal stack asks for them (TCM_PROD_DEMO=1) on purpose, so
        # the seeding alone runs as a staging configuration on the same database and keys.
        flask("seed-demo", "--if-empty", TCM_ENV="staging")
    log("database migrated" + (" (demo data if empty)" if demo else ""))


def node_pid_file(number: int) -> Path:
    return STATE / f"node{number}.pid"


def node_start(number: int) -> None:
    if read_pid(node_pid_file(number)) is not None:
        return
    port = NODE_PORTS[number - 1]
    env = app_env(
        TCM_NODE_BIND=f"127.0.0.1:{port}",
        TCM_NODE_NAME=f"tcm-node{number}",
        TCM_NODE_ERROR_LOG=str(LOGS / f"node{number}.log"),
        TCM_NODE_CONTROL_SOCKET=str(STATE / f"node{number}.ctl"),
    )
    run(
        [VENV_BIN / "gunicorn", "-c", ROOT / "deploy/gunicorn.conf.py", "--chdir", ROOT,
         "--daemon", "--pid", node_pid_file(number), "tcm_app.app:create_app()"],
        env=env,
    )  # fmt: skip
    wait_until(lambda: healthy(f"http://127.0.0.1:{port}"), 60, f"node {number} answering")
    log(f"node {number} on 127.0.0.1:{port}")


def node_stop(number: int) -> None:
    stop_pid(node_pid_file(number), f"node {number}")


def node_kill(number: int) -> None:
    """The node's machine dies: its arbiter and every worker at once, no goodbye to any socket."""
    kill_tree(node_pid_file(number), f"node {number}")


def worker_kill(number: int) -> int:
    """One worker process of the node dies (SIGKILL); its arbiter starts another."""
    victim = node_workers(number)[0]
    os.kill(victim, signal.SIGKILL)
    log(f"node {number}: worker {victim} killed")
    return victim


def node_workers(number: int) -> list[int]:
    """The worker processes of a node's gunicorn arbiter (its children)."""
    pid = read_pid(node_pid_file(number))
    return children_of(pid) if pid else []


def children_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def kill_tree(pid_file: Path, name: str) -> None:
    """SIGKILL to a process and its children at once: the machine under it died."""
    pid = read_pid(pid_file)
    if pid is None:
        return
    victims = [pid, *children_of(pid)]
    for victim in victims:
        os.kill(victim, signal.SIGKILL)
    for victim in victims:
        wait_until(lambda v=victim: not alive(v), 10, f"process {victim} of {name} dying")
    pid_file.unlink(missing_ok=True)
    log(f"{name} killed ({len(victims)} processes)")


WORKER_PID = STATE / "celery-worker.pid"
BEAT_PID = STATE / "celery-beat.pid"


def celery_start() -> None:
    celery = [VENV_BIN / "celery", "--workdir", ROOT, "-A", "tcm_app.worker"]
    if read_pid(WORKER_PID) is None:
        run(
            [*celery, "worker", "--detach", "--pidfile", WORKER_PID, "--logfile",
             LOGS / "celery-worker.log", "--concurrency", "2", "--hostname", "worker1@%h",
             "--loglevel", "INFO"],
            env=app_env(),
        )  # fmt: skip
        wait_until(lambda: read_pid(WORKER_PID) is not None, 30, "Celery worker starting")
        log("Celery worker started")
    if read_pid(BEAT_PID) is None:
        run(
            [*celery, "beat", "--detach", "--pidfile", BEAT_PID, "--logfile",
             LOGS / "celery-beat.log", "--schedule", STATE / "celerybeat-schedule",
             "--loglevel", "INFO"],
            env=app_env(),
        )  # fmt: skip
        log("Celery beat started")


def celery_stop() -> None:
    stop_pid(BEAT_PID, "Celery beat")
    # A warm shutdown finishes the tasks in hand first (a long report may need a while).
    stop_pid(WORKER_PID, "Celery worker", seconds=60)


# --- nginx ----------------------------------------------------------------------------------

NGINX_PID = STATE / "nginx.pid"


def tls_certificate() -> None:
    folder = STATE / "tls"
    if (folder / "cert.pem").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    # A self-signed certificate for loopback; a hospital puts its own in this folder.
    run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "825",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", folder / "key.pem", "-out", folder / "cert.pem"],
    )  # fmt: skip
    (folder / "key.pem").chmod(0o600)


def static_folders() -> list[tuple[str, str]]:
    """(URL prefix, folder) of the app's and every blueprint's static files, asked of the app."""
    code = (
        "import json; from tcm_app.app import create_app; app = create_app();"
        "rules = [(r.rule, r.endpoint) for r in app.url_map.iter_rules()"
        " if r.endpoint == 'static' or r.endpoint.endswith('.static')];"
        "folders = {}\n"
        "for rule, endpoint in rules:\n"
        "    owner = app if endpoint == 'static' else app.blueprints[endpoint.rsplit('.', 1)[0]]\n"
        "    folders[rule.split('<')[0]] = owner.static_folder\n"
        "print(json.dumps(sorted(folders.items())))"
    )
    out = run([VENV_BIN / "python", "-c", code], env=app_env())
    return [tuple(pair) for pair in json.loads(out.strip().splitlines()[-1])]


PROXY_HEADERS = """\
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Forwarded-Host $http_host;"""


def nginx_config() -> Path:
    static = "\n".join(
        f"        location ^~ {prefix} {{\n            alias {folder}/;\n"
        "            expires 1h;\n            access_log off;\n        }"
        for prefix, folder in static_folders()
    )
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in NODE_PORTS
    )
    sockets = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in NODE_PORTS)
    text = Template((ROOT / "deploy" / "nginx.conf.template").read_text()).substitute(
        state=STATE,
        http_port=HTTP_PORT,
        https_port=HTTPS_PORT,
        max_body=MAX_BODY,
        upstream_servers=servers,
        socket_servers=sockets,
        static_locations=static,
        proxy_headers=PROXY_HEADERS,
    )
    path = STATE / "nginx.conf"
    path.write_text(text)
    return path


def nginx_start() -> None:
    tls_certificate()
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (STATE / "nginx" / name).mkdir(parents=True, exist_ok=True)
    config = nginx_config()
    run(["nginx", "-t", "-q", "-c", config, "-p", STATE])
    if read_pid(NGINX_PID) is not None:
        run(["nginx", "-s", "reload", "-c", config, "-p", STATE])
        return
    run(["nginx", "-c", config, "-p", STATE])
    wait_until(lambda: port_open(HTTPS_PORT), 10, "nginx answering")
    log(f"nginx on {BASE_URL} (and http://127.0.0.1:{HTTP_PORT}, redirected)")


def nginx_stop() -> None:
    stop_pid(NGINX_PID, "nginx", signal.SIGQUIT)


# --- checks ---------------------------------------------------------------------------------

INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE  # our own self-signed certificate on loopback


def get(url: str, timeout: float = 2) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=INSECURE) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def healthy(base: str) -> bool:
    return get(base + "/healthz")[0] == 200


def ready() -> tuple[bool, dict]:
    status, body = get(BASE_URL + "/readyz", timeout=5)
    try:
        return status == 200, json.loads(body or b"{}")
    except ValueError:
        return False, {}


# --- commands -------------------------------------------------------------------------------


def start(demo: bool = True) -> None:
    LOGS.mkdir(parents=True, exist_ok=True)
    pg_start()
    redis_start()
    migrate(demo)
    for number in range(1, len(NODE_PORTS) + 1):
        node_start(number)
    celery_start()
    nginx_start()
    wait_until(lambda: ready()[0], 60, "readiness through nginx (/readyz)", step=0.5)
    log(f"ready: {BASE_URL}  (state in {STATE}; stop with make prod-stop)")


def stop() -> None:
    nginx_stop()
    celery_stop()
    for number in range(1, len(NODE_PORTS) + 1):
        node_stop(number)
    redis_stop()
    pg_stop()


def status() -> int:
    parts = {
        "PostgreSQL": port_open(PG_PORT),
        "Redis": read_pid(REDIS_PID) is not None,
        **{f"node {n}": read_pid(node_pid_file(n)) is not None for n in range(1, 3)},
        "Celery worker": read_pid(WORKER_PID) is not None,
        "Celery beat": read_pid(BEAT_PID) is not None,
        "nginx": read_pid(NGINX_PID) is not None,
    }
    for name, up in parts.items():
        print(f"{name:14} {'running' if up else 'stopped'}")
    is_ready, report = ready()
    print(f"readiness      {'ready' if is_ready else 'not ready'} {json.dumps(report)}")
    return 0 if is_ready else 1


def print_env() -> None:
    """`eval "$(scripts/prod.py env)"` points flask commands at the production stack."""
    for key, value in settings().items():
        print(f"export {key}='{value}'")


COMMANDS = {
    "start": lambda args: start(demo=os.environ.get("TCM_PROD_DEMO", "0") == "1"),
    "stop": lambda args: stop(),
    "status": lambda args: sys.exit(status()),
    "env": lambda args: print_env(),
    "node-start": lambda args: node_start(int(args[0])),
    "node-stop": lambda args: node_stop(int(args[0])),
    "node-kill": lambda args: node_kill(int(args[0])),
    "node-worker-kill": lambda args: worker_kill(int(args[0])),
    "celery-kill": lambda args: kill_tree(WORKER_PID, "Celery worker"),
    "celery-start": lambda args: celery_start(),
    "sql": lambda args: print(psql(args[0], database="tcm"), end=""),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: {sys.argv[0]} {'|'.join(COMMANDS)} [N]", file=sys.stderr)
        return 2
    try:
        COMMANDS[argv[0]](argv[1:])
    except StackError as failure:
        print(f"prod: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
