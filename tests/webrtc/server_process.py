"""The app served by a separate process on a fixed loopback port, so a test can kill the signaling
server mid-call (SIGKILL: no goodbye to any socket) and start it again on the same port.

It shares the database file, SECRET_KEY and FIELD_ENCRYPTION_KEY with the test's `app`, so session
cookies, room tokens and the consult's data survive the restart."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Taken from the test's app so both read and sign the same things.
SHARED_KEYS = (
    "TESTING",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "SQLALCHEMY_DATABASE_URI",
    "UPLOAD_FOLDER",
    "WTF_CSRF_ENABLED",
    "RATELIMIT_ENABLED",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def config_like(app, redis_url: str | None = None, **overrides) -> dict:
    """The subprocess's config: the shared keys and every CONSULT_* setting of `app`."""
    config = {key: app.config[key] for key in SHARED_KEYS if key in app.config}
    config.update({k: v for k, v in app.config.items() if k.startswith("CONSULT_")})
    if redis_url:
        config["CONSULT_REDIS_URL"] = redis_url
    config.update(overrides)
    return config


class ServerProcess:
    """`start()`, `stop(kill=...)`, `restart(kill=True)`; `url` is fixed for its whole life."""

    def __init__(self, config: dict, log_path: Path, port: int | None = None):
        self.config = config
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, seconds: float = 20) -> None:
        env = {**os.environ, "TCM_SERVE_CONFIG": json.dumps(self.config)}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.webrtc.serve_app", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        self._wait_until_answering(seconds)

    def _wait_until_answering(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app server exited ({self.process.returncode}): {self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/login", timeout=1) as response:
                    if response.status < 500:
                        return
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"app server not answering after {seconds} s: {self.log()}")

    def stop(self, kill: bool = False) -> None:
        """SIGKILL (a crash: sockets die without a close frame) or SIGTERM; waits for the exit."""
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self, kill: bool = True) -> float:
        """Stop and start again on the same port; returns seconds until it answered again."""
        began = time.monotonic()
        self.stop(kill=kill)
        self.start()
        return time.monotonic() - began

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""
