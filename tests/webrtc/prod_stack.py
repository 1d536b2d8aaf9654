"""The production stack of `make prod` (scripts/prod.py), started for a test in a folder and on
ports of its own: PostgreSQL, Redis, two gunicorn nodes, nginx with TLS, a Celery worker and beat,
with the demo data. `stop()` ends every part and removes the folder."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from tests.webrtc.server_process import free_port

ROOT = Path(__file__).resolve().parents[2]


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
        result = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "prod.py"), *args],
            env=self.env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, f"prod.py {args} failed:\n{result.stdout}{result.stderr}"
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

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        """GET through nginx (its certificate is the stack's own)."""
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        try:
            with urllib.request.urlopen(
                self.base + path, context=context, timeout=timeout
            ) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read()

    def log(self, name: str) -> str:
        path = self.folder / "logs" / name
        return path.read_text(errors="replace") if path.exists() else ""
