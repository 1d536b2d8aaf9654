"""Network faults inside the private network namespace of the WebRTC tests, with iptables on `lo`.

Everything in these tests (app server, Chromium's media, Redis) talks over loopback, so dropping
packets as `lo` delivers them (the INPUT chain) is what a phone losing its network looks like to
both ends: TCP (signaling) stalls and retransmits, UDP (media) vanishes, nobody gets an error.
Dropping on OUTPUT instead would hand the sender an EPERM, which no real network does.
Playwright drives Chromium over a pipe, not a socket, so the test keeps control of the pages.

Rules live in their own chain, so restoring never touches anything else in the namespace.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time

CHAIN = "TCM_NETFAULT"
KINDS = ("all", "udp")


class NetFaultError(RuntimeError):
    """iptables is missing, or we are not in the private namespace, or a rule was refused."""


def _iptables(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    # -w: wait for the xtables lock instead of failing when two commands meet.
    return subprocess.run(
        ["iptables", "-w", *args], capture_output=True, text=True, check=check, timeout=10
    )


class NetFault:
    """Cut and restore loopback traffic. `cut_at` is the time.monotonic() of the last cut."""

    def __init__(self):
        if not os.environ.get("TCM_WEBRTC_NETNS"):
            raise NetFaultError(
                "network faults only run inside the private network namespace "
                "(make test-webrtc: unshare -n, lo up, TCM_WEBRTC_NETNS=1); "
                "iptables here would cut the whole machine"
            )
        if shutil.which("iptables") is None:
            raise NetFaultError("iptables is missing: run scripts/system-deps.sh test")
        self.kind: str | None = None
        self.cut_at: float | None = None
        self.restored_at: float | None = None
        self._install()

    def _install(self) -> None:
        try:
            if _iptables("-n", "-L", CHAIN, check=False).returncode != 0:
                _iptables("-N", CHAIN)
            if _iptables("-C", "INPUT", "-i", "lo", "-j", CHAIN, check=False).returncode != 0:
                _iptables("-I", "INPUT", "1", "-i", "lo", "-j", CHAIN)
        except subprocess.CalledProcessError as exc:
            raise NetFaultError(f"iptables refused: {exc.stderr.strip()} (root needed)") from exc

    def cut(self, kind: str = "all", spare_tcp_ports: tuple[int, ...] = ()) -> float:
        """Drop every packet on lo ("all": signaling and media) or only UDP ("udp": media).
        `spare_tcp_ports` stay reachable (e.g. Redis between two server processes, which is not
        on the phone's network). Returns the monotonic time the rules took effect."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        _iptables("-F", CHAIN)
        for port in spare_tcp_ports:
            for flag in ("--dport", "--sport"):
                _iptables("-A", CHAIN, "-p", "tcp", flag, str(port), "-j", "ACCEPT")
        _iptables("-A", CHAIN, *(("-p", "udp") if kind == "udp" else ()), "-j", "DROP")
        self.kind, self.cut_at = kind, time.monotonic()
        return self.cut_at

    def restore(self) -> float:
        """Let every packet through again; returns the monotonic time of the restore."""
        _iptables("-F", CHAIN)
        self.kind = None
        self.restored_at = time.monotonic()
        return self.restored_at

    def rules(self) -> str:
        return _iptables("-S", CHAIN).stdout

    @contextlib.contextmanager
    def outage(self, seconds: float, kind: str = "all", **cut_options):
        """Cut, run the body during the outage, then restore `seconds` after the cut (at once if
        the body took longer). `restored_at` (monotonic) is set on the way out."""
        cut_at = self.cut(kind, **cut_options)
        try:
            yield self
            time.sleep(max(0.0, cut_at + seconds - time.monotonic()))
        finally:
            self.restore()

    def close(self) -> None:
        """Flush and remove our chain (always, even after a failed test)."""
        _iptables("-F", CHAIN, check=False)
        _iptables("-D", "INPUT", "-i", "lo", "-j", CHAIN, check=False)
        _iptables("-X", CHAIN, check=False)
        self.kind = None
