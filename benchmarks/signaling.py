"""Signaling figures (make bench): N concurrent WebSocket connections (N/2 consult rooms of doctor +
patient) held by ONE server process (Werkzeug, threaded), and the relay latency of offers sent
through it. Target (issue 4): 500 connections, relay p99 <= 50 ms.

TCM_BENCH_WS_CONNECTIONS=1000 python benchmarks/signaling.py tries another load.
"""

import json
import multiprocessing
import os
import statistics
import threading
import time
from datetime import date, timedelta

import simple_websocket
from common import bench_app
from werkzeug.serving import make_server

from consults.services import calls
from tcm_app.extensions import db
from tests.conftest import QuietHandler
from tests.factories import create_patient, create_prescribable_encounter

CONNECTIONS = int(os.environ.get("TCM_BENCH_WS_CONNECTIONS", "500"))
ROUNDS = 20
ROUND_SECONDS = 0.5  # 500 connections: 250 offers every 0.5 s = 500 relayed messages a second


def serve(app, port_queue):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    port_queue.put(server.server_port)
    server.serve_forever()


def make_rooms(app, rooms: int) -> list[tuple[int, str, str]]:
    made = []
    with app.test_request_context("/"):
        for n in range(rooms):
            patient = create_patient(birth=date(1960, 1, 1) + timedelta(days=n), name="测试")
            encounter = create_prescribable_encounter(patient=patient)
            doctor_token = calls.room_token(encounter, encounter.doctor)
            patient_token = calls.room_token(encounter, encounter.patient.user)
            made.append((encounter.id, doctor_token, patient_token))
        db.session.commit()
    return made


class Receiver(threading.Thread):
    """Reads one socket and records how long each offer took from send to arrival."""

    def __init__(self, ws, latencies):
        super().__init__(daemon=True)
        self.ws, self.latencies = ws, latencies

    def run(self):
        while True:
            try:
                raw = self.ws.receive(timeout=30)
            except simple_websocket.ConnectionClosed:
                return
            if raw is None:
                return
            frame = json.loads(raw)
            if frame["type"] == "offer":
                sent = int(frame["sdp"].removeprefix("t="))
                self.latencies.append((time.perf_counter_ns() - sent) / 1e6)


def connect_all(port, rooms):
    sockets = []
    for encounter_id, doctor_token, patient_token in rooms:
        for token in (doctor_token, patient_token):
            url = f"ws://127.0.0.1:{port}/consults/{encounter_id}/ws?token={token}"
            ws = simple_websocket.Client.connect(url)
            assert json.loads(ws.receive(timeout=10))["type"] == "welcome"
            sockets.append(ws)
    return sockets


def main() -> None:
    app = bench_app("tcm-bench-ws-")
    with app.app_context():
        rooms = make_rooms(app, CONNECTIONS // 2)
        db.engine.dispose()  # the server process opens its own connections
    port_queue = multiprocessing.get_context("fork").Queue()
    server = multiprocessing.get_context("fork").Process(
        target=serve, args=(app, port_queue), daemon=True
    )
    server.start()
    port = port_queue.get(timeout=30)
    started = time.perf_counter()
    sockets = connect_all(port, rooms)
    connect_seconds = time.perf_counter() - started
    latencies: list[float] = []
    patients = sockets[1::2]
    for ws in patients:
        Receiver(ws, latencies).start()
    doctors = sockets[0::2]
    print(
        f"{'signaling: connections held by one process':<52} {len(sockets):5d}   "
        f"(all joined in {connect_seconds:.1f} s)"
    )
    # A steady stream: every room once per round, spread evenly.
    run_rounds(doctors, latencies, gap=ROUND_SECONDS / len(doctors), pause=0)
    report(f"relay, steady {len(doctors) / ROUND_SECONDS:.0f} msg/s", latencies, len(patients))
    # A burst: every room at the same instant (all calls starting together), worst case.
    latencies.clear()
    run_rounds(doctors, latencies, gap=0, pause=ROUND_SECONDS)
    report(f"relay, bursts of {len(doctors)} at once", latencies, len(patients))
    server.terminate()


def run_rounds(doctors, latencies, gap: float, pause: float) -> None:
    for _round in range(ROUNDS):
        for doctor_ws in doctors:
            doctor_ws.send(json.dumps({"type": "offer", "sdp": f"t={time.perf_counter_ns()}"}))
            if gap:
                time.sleep(gap)
        time.sleep(pause)
    deadline = time.monotonic() + 30
    while len(latencies) < ROUNDS * len(doctors) and time.monotonic() < deadline:
        time.sleep(0.1)


def report(name: str, latencies: list[float], receivers: int) -> None:
    ordered = sorted(latencies)
    median = statistics.median(ordered) if ordered else float("nan")
    p99 = ordered[int(0.99 * (len(ordered) - 1))] if ordered else float("nan")
    print(
        f"{'signaling: ' + name:<52} median {median:8.2f} ms   p99 {p99:8.2f} ms   "
        f"delivered {len(ordered)}/{ROUNDS * receivers}   target p99 <= 50 ms"
    )


if __name__ == "__main__":
    main()
