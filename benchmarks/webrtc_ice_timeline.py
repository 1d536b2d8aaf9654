"""What Chromium does when the network goes (inside a private network namespace, as make bench):
for cuts of 5, 30 and 45 s of every packet on loopback ("all": signaling and media) and of UDP
only ("udp": media), the times after the cut at which each page's ICE connection became
`disconnected` and `failed` (iceConnectionState, and connectionState "failed", which Chromium
reaches while iceConnectionState still says disconnected), its WebSocket closed, a new
RTCPeerConnection appeared, and the time from the network's return to video decoding again (or
never within 60 s). A fresh call per cut.

    unshare -n sh -c 'ip link set lo up && TCM_WEBRTC_NETNS=1 exec .venv/bin/python \
        benchmarks/webrtc_ice_timeline.py [SECONDS,...] [KIND,...]'
"""

import sys
import time

from common import bench_app, import_catalogues

from tests.chromium import CHROMIUM
from tests.conftest import serve_in_thread
from tests.webrtc.calls import frames_resumed_on, open_call, seed_demo_call, wait_frames
from tests.webrtc.conftest import WEBRTC_ARGS
from tests.webrtc.netfault import NetFault

RESUME_LIMIT = 60
# Logs every ICE / connection state of every RTCPeerConnection the page makes, and the socket's
# opening and closing, with Date.now(); polls for a replaced pc or socket every 20 ms.
HOOK = """() => {
  const log = window.__timeline = [];
  let pc = null, ws = null;
  const hook = () => {
    const call = window.tcmCall || {};
    if (call.pc && call.pc !== pc) {
      pc = call.pc;
      const mine = pc;
      log.push({what: "new-pc", at: Date.now()});
      mine.addEventListener("iceconnectionstatechange",
        () => log.push({what: "ice:" + mine.iceConnectionState, at: Date.now()}));
      mine.addEventListener("connectionstatechange",
        () => log.push({what: "pc:" + mine.connectionState, at: Date.now()}));
    }
    if (call.ws && call.ws !== ws) {
      ws = call.ws;
      log.push({what: "new-ws", at: Date.now()});
      ws.addEventListener("close", (e) => log.push({what: "ws-close:" + e.code, at: Date.now()}));
    }
  };
  hook();
  setInterval(hook, 20);
}"""


def first(timeline, what, cut_ms, prefix=False):
    for entry in timeline:
        matches = entry["what"].startswith(what) if prefix else entry["what"] == what
        if entry["at"] >= cut_ms and matches:
            return (entry["at"] - cut_ms) / 1000
    return None


def one_cut(browser, base, encounter_id, network, seconds, kind):
    doctor, patient = open_call(browser, base, encounter_id)
    pages = (doctor, patient)
    for page in pages:
        wait_frames(page)
        page.evaluate(HOOK)
    time.sleep(2)
    cut_ms = time.time() * 1000
    network.cut(kind)
    time.sleep(seconds)
    network.restore()
    resumed = frames_resumed_on(pages, RESUME_LIMIT)
    time.sleep(3)  # late events after the return
    rows = []
    for name, page, back in zip(("doctor", "patient"), pages, resumed, strict=True):
        timeline = page.evaluate("() => window.__timeline")
        rows.append(
            {
                "who": name,
                "disconnected": first(timeline, "ice:disconnected", cut_ms),
                "failed": first(timeline, "ice:failed", cut_ms),
                "pc_failed": first(timeline, "pc:failed", cut_ms),
                "ws_closed": first(timeline, "ws-close", cut_ms, prefix=True),
                "new_pc": first(timeline, "new-pc", cut_ms),
                "resumed": back,
                "timeline": [
                    (e["what"], round((e["at"] - cut_ms) / 1000, 2))
                    for e in timeline
                    if e["at"] >= cut_ms - 3000
                ],
            }
        )
    for page in pages:
        page.context.close()
    return rows


def show(value):
    return "-" if value is None else f"{value:.1f}"


def main() -> None:
    from playwright.sync_api import sync_playwright

    cuts = [float(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "5,30,45").split(",")]
    kinds = (sys.argv[2] if len(sys.argv) > 2 else "all,udp").split(",")
    network = NetFault()
    app = bench_app("tcm-bench-ice-")
    with app.app_context():
        import_catalogues()
        encounter_id = seed_demo_call()
        server = serve_in_thread(app)
        base = f"http://127.0.0.1:{server.server_port}"
        print(
            "cut  kind who      ice:disconnected  ice:failed  pc:failed  ws-closed  new-pc  "
            "frames again after restore (s after the cut unless said)"
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=WEBRTC_ARGS)
            try:
                for kind in kinds:
                    for seconds in cuts:
                        for row in one_cut(browser, base, encounter_id, network, seconds, kind):
                            back = row["resumed"]
                            again = f"{back:.2f} s" if back is not None else "never within 60 s"
                            print(
                                f"{seconds:>4.0f} {kind:<4} {row['who']:<8} "
                                f"{show(row['disconnected']):>16}  {show(row['failed']):>10}  "
                                f"{show(row['pc_failed']):>9}  "
                                f"{show(row['ws_closed']):>9}  {show(row['new_pc']):>6}  {again}"
                            )
                            print(f"     timeline: {row['timeline']}", flush=True)
            finally:
                network.close()
                browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
