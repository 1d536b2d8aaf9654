"""Core figures (make bench): audit append and verify, token sign-in, page and API latency.

Runs on a throwaway, migrated SQLite database (or TCM_BENCH_DATABASE_URL) and prints medians.
"""

import statistics
import time

from common import bench_app

from tcm_app.extensions import db
from tcm_app.services.audit import record_audit, verify_audit_chain
from tests.factories import PASSWORD, bearer, create_encounter, login


def timed(fn, repeat: int, expect_status: int | None = None) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
        if expect_status is not None:
            assert result.status_code == expect_status, result.status_code
    return samples


def report(name: str, samples: list[float], unit="ms") -> None:
    print(
        f"{name:<48} median {statistics.median(samples):8.2f} {unit}   "
        f"p95 {sorted(samples)[int(len(samples) * 0.95) - 1]:8.2f} {unit}   n={len(samples)}"
    )


def main() -> None:
    app = bench_app("tcm-bench-")
    with app.app_context():
        print(f"database: {db.engine.url.get_backend_name()}")

        def append_and_commit():
            record_audit("bench.action", "thing", 1, "benchmark entry")
            db.session.commit()

        report("audit append + commit (one entry)", timed(append_and_commit, 500))
        count = 10_000
        record_many = [record_audit("bench.bulk", "thing", n, "bulk") for n in range(count - 500)]
        db.session.commit()
        del record_many
        samples = timed(verify_audit_chain, 3)
        report(f"audit verify ({verify_audit_chain().checked} entries)", samples)

        encounter = create_encounter()
        db.session.commit()
        doctor, patient_user = encounter.doctor, encounter.patient.user
        client = app.test_client()
        report(
            "POST /api/v1/auth/token (scrypt check)",
            timed(
                lambda: client.post(
                    "/api/v1/auth/token", json={"username": doctor.username, "password": PASSWORD}
                ),
                30,
            ),
        )
        headers = bearer(doctor)
        report(
            "GET /api/v1/encounters/<id> (doctor)",
            timed(
                lambda: client.get(f"/api/v1/encounters/{encounter.id}", headers=headers), 200, 200
            ),
        )
        login(client, doctor)
        report("GET /workbench page (doctor)", timed(lambda: client.get("/workbench"), 200, 200))
        report(
            "GET /encounters/<id> page (doctor)",
            timed(lambda: client.get(f"/encounters/{encounter.id}"), 200, 200),
        )
        patient_client = app.test_client()
        login(patient_client, patient_user)
        report("GET /me page (patient)", timed(lambda: patient_client.get("/me"), 200, 200))


if __name__ == "__main__":
    main()
