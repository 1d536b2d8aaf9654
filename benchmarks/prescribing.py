"""Prescribing figures (make bench): the 20-line safety check in-process, herb search in-process
and through the API test client over the whole catalogue (exact, prefix and one-letter typo
queries), and a one-page prescription PDF.

Targets (issue 3): check median <= 50 us; search p99 <= 5 ms; PDF median <= 300 ms.
Issue 16: typo-tolerant search in-process p99 <= 1 ms.
Issue 21: search via the API on PostgreSQL p99 <= 2 ms.
"""

import http.client
import logging
import statistics
import threading
import time
import urllib.parse

from common import bench_app, full_collections
from werkzeug.serving import make_server

from herbs.models import Prescription
from herbs.safety import HerbLine, PatientFacts, check_formula
from herbs.services import catalogue, documents, formulas, prescriptions
from tcm_app.extensions import db
from tests.factories import (
    SIGNING_PASSWORD,
    bearer,
    create_pharmacist,
    create_prescribable_encounter,
)

TWENTY_LINES = [
    ("黄芪", 30),
    ("党参", 15),
    ("炒白术", 12),
    ("茯苓", 15),
    ("炙甘草", 6),
    ("当归", 10),
    ("川芎", 6),
    ("白芍", 12),
    ("熟地黄", 15),
    ("陈皮", 6),
    ("法半夏", 9),
    ("木香", 6),
    ("砂仁", 6),
    ("山药", 20),
    ("大枣", 10),
    ("生姜", 6),
    ("桂枝", 9),
    ("丹参", 15),
    ("酸枣仁", 15),
    ("远志", 6),
]
QUERIES = [
    "gc",
    "gancao",
    "huangqi",
    "hq",
    "dh",
    "当归",
    "白",
    "chuanxiong",
    "fbx",
    "国老",
    "sz",
    "shengdi",
    "jx",
    "z",
    "炙",
    "fl",
    "renshen",
    "bz",
    "mh",
    "ds",
]
# One letter wrong, missing, extra or swapped (issue 16): the slow path, a scan by length.
TYPO_QUERIES = [
    "huangqqi",
    "gancaw",
    "gncao",
    "gnacao",
    "chuanxoing",
    "fangfemg",
    "fxb",
    "dangsehn",
]


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name, samples, unit, target):
    print(
        f"{name:<52} median {statistics.median(samples):9.3f} {unit}   "
        f"p95 {percentile(samples, 95):9.3f} {unit}   "
        f"p99 {percentile(samples, 99):9.3f} {unit}   n={len(samples)}   target {target}"
    )


def bench_check(cat):
    lines = [HerbLine(name, grams) for name, grams in TWENTY_LINES]
    for name, _grams in TWENTY_LINES:
        assert cat.index.resolve(name), name
    patient = PatientFacts(pregnant=False, age=45)
    samples = []
    for _ in range(20_000):
        start = time.perf_counter_ns()
        check_formula(lines, 7, patient, cat.index, cat.rules)
        samples.append((time.perf_counter_ns() - start) / 1000)
    report("safety check, 20-line formula (in-process)", samples, "us", "median <= 50 us")


def bench_search_in_process(cat):
    samples = {"exact and prefix": [], "one-letter typo": []}
    for _round in range(200):
        for kind, queries in (("exact and prefix", QUERIES), ("one-letter typo", TYPO_QUERIES)):
            for query in queries:
                start = time.perf_counter_ns()
                cat.search.search(query, 20)
                samples[kind].append((time.perf_counter_ns() - start) / 1000)
    for kind, values in samples.items():
        report(
            f"herb search in-process, {kind} ({len(cat.index)} herbs)", values, "us", "p99 <= 1 ms"
        )


def bench_search(app, cat):
    """Wall time, and the CPU time of this thread (what other load on the machine does not
    inflate; it leaves out the database server's own work)."""
    client = app.test_client()
    headers = bearer(create_pharmacist())
    db.session.remove()
    samples, cpu = [], []
    with full_collections() as pauses:
        for _round in range(50):
            for query in QUERIES + TYPO_QUERIES:
                start, start_cpu = time.perf_counter(), time.thread_time()
                response = client.get("/api/v1/herbs", query_string={"q": query}, headers=headers)
                samples.append((time.perf_counter() - start) * 1000)
                cpu.append((time.thread_time() - start_cpu) * 1000)
                assert response.status_code == 200
                # Each request its own session, as under gunicorn (its app context ends with
                # it); here one app context spans them all.
                db.session.remove()
    name = f"herb search via API ({len(cat.index)} herbs)"
    report(name, samples, "ms", "p99 <= 2 ms on PostgreSQL (issue 21)")
    print(
        f"{name + ', CPU':<52} median {statistics.median(cpu):9.3f} ms   "
        f"p95 {percentile(cpu, 95):9.3f} ms   p99 {percentile(cpu, 99):9.3f} ms   "
        f"({len(pauses)} full GC passes, {sum(pauses):.0f} ms)"
    )


def bench_search_over_http(app, cat):
    """The same searches through a real HTTP server on loopback (werkzeug's threaded server,
    one kept-alive connection): adds sockets and HTTP parsing to the test client's figure. For
    information: production serves with gunicorn, whose parsing is not the same."""
    headers = bearer(create_pharmacist())
    db.session.commit()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port)
    samples = []
    try:
        for _round in range(50):
            for query in QUERIES + TYPO_QUERIES:
                path = "/api/v1/herbs?" + urllib.parse.urlencode({"q": query})
                start = time.perf_counter()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                samples.append((time.perf_counter() - start) * 1000)
                assert response.status == 200, response.status
    finally:
        connection.close()
        server.shutdown()
    report(f"herb search via a real HTTP server ({len(cat.index)} herbs)", samples, "ms", "info")


def bench_pdf():
    encounter = create_prescribable_encounter()
    rx = prescriptions.open_draft(encounter, encounter.doctor)
    prescriptions.save_draft(
        rx, encounter.doctor, [{"name": n, "dose_g": g} for n, g in TWENTY_LINES], 7, "每日1剂"
    )
    prescriptions.sign(rx, encounter.doctor, SIGNING_PASSWORD, {})
    prescriptions.review(rx, create_pharmacist(), True, "", SIGNING_PASSWORD)
    db.session.commit()
    prescription = db.session.get(Prescription, rx.id)
    with app_request():
        documents.render_and_store(prescription, "approved", "http://localhost/herbs/verify/x")
        samples = []
        for _ in range(20):
            start = time.perf_counter()
            documents.render_and_store(prescription, "approved", "http://localhost/herbs/verify/x")
            samples.append((time.perf_counter() - start) * 1000)
    report("prescription PDF, one page, 20 herbs (WeasyPrint)", samples, "ms", "median <= 300 ms")


def app_request():
    from flask import current_app

    return current_app.test_request_context("/")


def main() -> None:
    app = bench_app("tcm-bench-rx-")
    with app.app_context():
        print(f"database: {db.engine.url.get_backend_name()}")
        catalogue.import_herbs()
        formulas.import_formulas()
        db.session.commit()
        cat = catalogue.current_catalogue()
        bench_check(cat)
        bench_search_in_process(cat)
        bench_search(app, cat)
        bench_search_over_http(app, cat)
        bench_pdf()


if __name__ == "__main__":
    main()
