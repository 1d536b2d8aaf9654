"""Text consult figures (make bench, issue 19): opening a thread of 200 messages (words and a
photo every tenth) as the doctor does, page rendered with every message.

Target: opening a thread with 200 messages <= 30 ms (median).
"""

import statistics
import time

from common import bench_app

from consults.services import threads
from tcm_app.extensions import db
from tcm_app.services import payments, visit_fees
from tests.factories import create_doctor, create_encounter, create_patient, login, png_bytes

MESSAGES, RUNS = 200, 50


def busy_thread():
    doctor = create_doctor(username="bench-text-doctor")
    patient = create_patient(sex="female")
    encounter = create_encounter(patient=patient, doctor=doctor)
    fee = visit_fees.fee_of(encounter)
    payments.record_counter_payment(
        visit_fees.PURPOSE, encounter.id, patient.id, fee.amount, patient.user, "BENCH"
    )
    threads.open_thread(encounter, patient.user)
    for n in range(MESSAGES):
        sender = doctor if n % 2 else patient.user
        if n % 10 == 0:  # a photo alone, as a patient sends a tongue photo
            threads.post_message(encounter, sender, "", png_bytes(60, 40))
        else:
            threads.post_message(encounter, sender, f"第 {n + 1} 条：今日情况平稳，舌淡红苔薄白。")
    db.session.commit()
    return doctor, encounter


def main() -> None:
    app = bench_app("bench-text-")
    app.logger.setLevel("WARNING")  # 100 "the doctor answered" notices are not the figure
    with app.app_context():
        doctor, encounter = busy_thread()
        client = app.test_client()
        login(client, doctor)
        url = f"/consults/{encounter.id}/thread"
        first = client.get(url)
        assert first.status_code == 200 and first.data.count(b"thread-message") == MESSAGES
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        median, p95 = statistics.median(times), times[int(0.95 * len(times)) - 1]
        print(
            f"text consult thread of {MESSAGES} messages: median {median:.1f} ms,"
            f" p95 {p95:.1f} ms (target median <= 30)"
        )


if __name__ == "__main__":
    main()
