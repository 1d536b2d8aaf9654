"""Constitution assessment figures (make bench, issue 18): scoring one questionnaire (60 answers
of the standard's scale: checking, gathering per subscale, reverse scoring, 转化分, verdicts) and
the results page with its chart, as a patient opens it (a previous assessment to compare with).

Targets: scoring <= 50 µs per assessment; the results page <= 50 ms (median).
"""

import random
import statistics
import time
import timeit

from common import bench_app

from constitution.scoring import score_answers
from constitution.services import assessments, scales
from tcm_app.extensions import db
from tests.factories import create_patient, login

SCORING_RUNS, PAGE_RUNS = 20_000, 50


def random_answers(scale, sex, rng) -> dict[str, int]:
    return {item.code: rng.randint(1, 5) for item in scale.questions(sex)}


def scoring_figure() -> None:
    scale = scales.scale("ccmq")
    rng = random.Random(18)
    sets = [random_answers(scale, "female", rng) for _ in range(200)]
    score_answers(scale, "female", sets[0])  # warm the caches, as a running app has them
    batches = timeit.repeat(
        lambda: [score_answers(scale, "female", answers) for answers in sets],
        number=SCORING_RUNS // len(sets),
        repeat=5,
    )
    per = min(batches) / SCORING_RUNS * 1e6
    print(f"constitution scoring (60 answers, ccmq): {per:.1f} µs per assessment (target <= 50)")
    elderly = scales.scale("elderly")
    older = [random_answers(elderly, "male", rng) for _ in range(200)]
    batches = timeit.repeat(
        lambda: [score_answers(elderly, "male", answers) for answers in older],
        number=SCORING_RUNS // len(older),
        repeat=5,
    )
    per = min(batches) / SCORING_RUNS * 1e6
    print(f"constitution scoring (33 answers, older people's form): {per:.1f} µs per assessment")


def submitted(patient, answers) -> int:
    draft = assessments.start(patient.user, patient, "ccmq")
    assessments.save_answers(draft, patient.user, answers, 12)
    assessments.submit(draft, patient.user)
    db.session.commit()
    return draft.id


def results_page_figure() -> None:
    app = bench_app("bench-constitution-")
    with app.app_context():
        patient = create_patient(sex="female")
        db.session.commit()
        rng = random.Random(7)
        scale = scales.scale("ccmq")
        submitted(patient, random_answers(scale, "female", rng))
        latest = submitted(patient, random_answers(scale, "female", rng))
        client = app.test_client()
        login(client, patient.user)
        url = f"/constitution/a/{latest}"
        assert client.get(url).status_code == 200
        times = []
        for _ in range(PAGE_RUNS):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and b"cq-bars" in response.data
        times.sort()
        median, p95 = statistics.median(times), times[int(0.95 * len(times)) - 1]
        print(
            f"constitution results page with chart and advice: median {median:.1f} ms,"
            f" p95 {p95:.1f} ms (target median <= 50)"
        )


if __name__ == "__main__":
    scoring_figure()
    results_page_figure()
