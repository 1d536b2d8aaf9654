"""Two real headless Chromium pages with fake camera and microphone, through the app's signaling on
loopback. Run inside a private network namespace so that media stays on loopback
(`make test` does: unshare -n, lo up, TCM_WEBRTC_NETNS=1)."""

import pytest

from tests.chromium import ARGS, CHROMIUM

WEBRTC_ARGS = [
    *ARGS,
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture
def config_overrides():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def browser(playwright):
    """A Chromium of its own for each call (its media flags; a cut network must not outlive the
    test in a shared one)."""
    if CHROMIUM is None:
        pytest.fail("Chromium is installed by make test")
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=WEBRTC_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def network():
    """Cut and restore loopback (tests/webrtc/netfault.py). Fails, never skips, outside the
    namespace or without iptables; the rules are always flushed after the test."""
    from tests.webrtc.netfault import NetFault, NetFaultError

    try:
        fault = NetFault()
    except NetFaultError as exc:
        pytest.fail(str(exc))
    try:
        yield fault
    finally:
        fault.close()


@pytest.fixture
def app_process(app, tmp_path):
    """The app in its own process (same database and keys as `app`), for restarts mid-call.
    Not started: call `start()` once the test's data is committed. Always stopped afterwards.
    It copies every CONSULT_* setting of `app`: a module whose config_overrides set
    CONSULT_REDIS_URL to `redis_url` (flushdb first) runs it across processes through Redis."""
    from tests.webrtc.server_process import ServerProcess, config_like

    server = ServerProcess(config_like(app), tmp_path / "app-process.log")
    yield server
    server.stop(kill=True)
