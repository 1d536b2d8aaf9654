"""The production stack of `make prod` (scripts/prod.py), started for a test in a folder and on
ports of its own: PostgreSQL, Redis, two gunicorn nodes, nginx with TLS, a Celery worker and beat,
with the demo data. `stop()` ends every part and removes the folder."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.webrtc.server_process import free_port

ROOT = Path(__file__).resolve().parents[2]


def stack_tls() -> ssl.SSLContext:
    """TLS that accepts the stack's own self-signed certificate (loopback only)."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context


class ProdStack:
    def __init__(self) -> None:
        # Under /tmp and open to traverse: PostgreSQL runs as its own user inside the folder.
        self.folder = Path(tempfile.mkdtemp(prefix="tcm-prod-", dir="/tmp"))
        self.folder.chmod(0o755)
        self.node_ports = (free_port(), free_port())
        self.https_port = free_port()
        self.env = {
            **os.environ,
            "TCM_PROD_DIR": str(self.folder),
            "TCM_PROD_HTTPS_PORT": str(self.https_port),
            "TCM_PROD_HTTP_PORT": str(free_port()),
            "TCM_PROD_PG_PORT": str(free_port()),
            "TCM_PROD_REDIS_PORT": str(free_port()),
            "TCM_PROD_NODE_PORTS": ",".join(map(str, self.node_ports)),
            "TCM_PROD_DEMO": "1",
        }
        self.base = f"https://127.0.0.1:{self.https_port}"

    def prod(self, *args: str) -> str:
        return self.script("prod.py", *args)

    def script(self, name: str, *args: str) -> str:
        """One of scripts/ run against this stack; its output, or a failure showing it."""
        result = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / name), *args],
            env=self.env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, f"{name} {args} failed:\n{result.stdout}{result.stderr}"
        return result.stdout

    def start(self) -> None:
        self.prod("start")

    def stop(self) -> None:
        try:
            self.prod("stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def node_url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.node_ports[number - 1]}"

    def sql(self, statement: str) -> str:
        return self.prod("sql", statement).strip()

    def get(self, path: str, timeout: float = 10, token: str | None = None) -> tuple[int, bytes]:
        """GET through nginx (its certificate is the stack's own), with a bearer token if given."""
        return self.call(urllib.request.Request(self.base + path), timeout, token)

    def call(self, request, timeout: float = 10, token: str | None = None) -> tuple[int, bytes]:
        context = stack_tls()
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, context=context, timeout=timeout) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as refused:
            with refused:  # its connection is closed with it
                return refused.code, refused.read()

    def connection(self) -> http.client.HTTPSConnection:
        """A connection to nginx kept alive over many requests."""
        context = stack_tls()
        return http.client.HTTPSConnection("127.0.0.1", self.https_port, context=context)

    @staticmethod
    def over(connection: http.client.HTTPSConnection, path: str, token: str) -> int:
        """GET `path` over a kept-alive connection; the status."""
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        answer = connection.getresponse()
        answer.read()
        return answer.status

    def token(self, username: str) -> str:
        body = json.dumps({"username": username, "password": "tcm-demo"}).encode()
        request = urllib.request.Request(self.base + "/api/v1/auth/token", data=body)
        request.add_header("Content-Type", "application/json")
        status, answer = self.call(request)
        assert status == 201, answer
        return json.loads(answer)["token"]

    def wait_for_log(self, name: str, text: str, seconds: float = 10) -> str:
        """The first line of log `name` holding `text`, once it is written."""
        deadline = time.monotonic() + seconds
        while True:
            found = [line for line in self.log(name).splitlines() if text in line]
            if found or time.monotonic() > deadline:
                assert found, f"{text!r} never logged in {name}"
                return found[0]
            time.sleep(0.2)

    def log(self, name: str) -> str:
        path = self.folder / "logs" / name
        return path.read_text(errors="replace") if path.exists() else ""
