"""The framework's ceiling for make load: one trivial page as fast as the stack answers it, no
pause and no sign-in (TCM_LOAD_TRIVIAL_PATH, /healthz by default)."""

import os

from locust import FastHttpUser, task


class Trivial(FastHttpUser):
    insecure = True  # the stack's self-signed certificate on loopback
    path = os.environ.get("TCM_LOAD_TRIVIAL_PATH", "/healthz")

    @task
    def trivial(self):
        with self.client.get(self.path, name=f"trivial {self.path}", catch_response=True) as r:
            if r.status_code == 200:
                r.success()
            else:
                r.failure(f"status {r.status_code}")
