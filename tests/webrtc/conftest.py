"""Two real headless Chromium pages with fake camera and microphone, through the app's signaling on
loopback. Run inside a private network namespace so that media stays on loopback
(`make test` does: unshare -n, lo up, TCM_WEBRTC_NETNS=1)."""

import pytest

from tests.browser.conftest import ARGS, CHROMIUM

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
def browser():
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        pytest.fail("Chromium is installed by make test")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=WEBRTC_ARGS)
        yield chromium
        chromium.close()
