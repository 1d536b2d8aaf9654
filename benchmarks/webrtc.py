"""WebRTC figure (make bench, inside a private network namespace): two headless Chromium pages
(fake camera and microphone) join one consult through the app's pages and signaling on loopback.
Reports the time from both pages having joined to `connected`, and frames decoded after 2 s.
Target (issue 4): connected <= 3 s after both pages join. Then the figures under network faults
of issue 14 (benchmarks/webrtc_faults.py; iptables needs TCM_WEBRTC_NETNS=1, as make bench sets).
"""

import time

from common import bench_app, import_catalogues
from webrtc_faults import report as report_faults

from tcm_app.services.demo import DEMO_PASSWORD
from tests.browser.pages import sign_in
from tests.chromium import CHROMIUM
from tests.conftest import serve_in_thread
from tests.webrtc.calls import seed_demo_call
from tests.webrtc.conftest import WEBRTC_ARGS
from tests.webrtc.netfault import NetFault

RUNS = 5


def one_call(browser, base, encounter_id) -> tuple[float, int, int]:
    doctor = browser.new_context().new_page()
    patient = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(doctor, base, "demo-doctor", DEMO_PASSWORD)
    sign_in(patient, base, "demo-patient", DEMO_PASSWORD)
    doctor.goto(f"{base}/consults/{encounter_id}/call", wait_until="load")
    patient.goto(f"{base}/consults/{encounter_id}/call", wait_until="load")
    joined = time.perf_counter()  # both pages loaded and opening their sockets
    for page in (doctor, patient):
        page.wait_for_function(
            "() => window.tcmCall && window.tcmCall.pc && "
            "window.tcmCall.pc.connectionState === 'connected'",
            timeout=20_000,
            polling=20,
        )
    connected = time.perf_counter() - joined
    time.sleep(2)
    frames = [
        p.evaluate("async () => (await window.tcmCall.stats()).framesDecoded")
        for p in (doctor, patient)
    ]
    doctor.context.close()
    patient.context.close()
    return connected, frames[0], frames[1]


def main() -> None:
    from playwright.sync_api import sync_playwright

    network = NetFault()  # fails at once, with the reason, outside the namespace
    app = bench_app("tcm-bench-rtc-")
    with app.app_context():
        import_catalogues()  # the demo data prescribes from the catalogues
        encounter_id = seed_demo_call()
        server = serve_in_thread(app)
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=WEBRTC_ARGS)
            try:
                results = [one_call(browser, base, encounter_id) for _ in range(RUNS)]
                print_connect(results)
                report_faults(browser, base, encounter_id, network)
            finally:
                network.close()
                browser.close()
        server.shutdown()


def print_connect(results) -> None:
    times = sorted(r[0] for r in results)
    print(
        f"{'webrtc: both pages joined -> connected':<52} median {times[len(times) // 2]:6.2f} s   "
        f"max {times[-1]:6.2f} s   n={RUNS}   target <= 3 s"
    )
    print(
        f"{'webrtc: video frames decoded 2 s after connecting':<52} doctor "
        f"{min(r[1] for r in results)}+   patient {min(r[2] for r in results)}+ "
        "(minimum over runs)",
        flush=True,
    )


if __name__ == "__main__":
    main()
