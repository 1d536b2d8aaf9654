# Two commands matter: `make run` (set up and serve with demo data) and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
FLASK  := $(VENV)/bin/flask --app tcm_app.app
PORT   ?= 5000
PYTHON ?= python3
AXE    := tests/a11y/node_modules/axe-core/axe.min.js

.PHONY: install install-test install-load a11y run prod prod-stop prod-status load faults test test-sqlite test-clock test-webrtc test-postgres bench lint check format translations

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -q -e ".[test]"
	touch $@

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d tcm_app/translations

install: $(VENV)/.installed translations
	scripts/system-deps.sh run

install-test: install $(VENV)/.installed-test $(AXE)
	scripts/system-deps.sh test

# axe-core (npm registry, pinned in tests/a11y/package-lock.json) for the accessibility checks:
# the journeys (failing on a WCAG 2.1 A/AA violation; TCM_AXE=0 skips it locally) and
# `make a11y`. node_modules stays out of git (AXE: see the top).
$(AXE): tests/a11y/package.json tests/a11y/package-lock.json
	cd tests/a11y && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Accessibility figures of the demo (scripts/a11y_figures.py): axe violations per page, touch
# targets under 44x44 CSS px and the smallest text on the patient phone pages, sideways scroll
# at 200 % zoom.
a11y: install-test
	$(PY) scripts/a11y_figures.py

$(VENV)/.installed-load: pyproject.toml $(VENV)/.installed
	$(PIP) install -q -e ".[load]"
	touch $@

install-load: install $(VENV)/.installed-load

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) import-reference
	$(FLASK) codes import --if-empty tcm_app/data/gbt15657_codes.csv
	$(FLASK) seed-demo --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)  (demo accounts: demo-patient ... demo-admin; demo-elder in elderly mode, demo-family acting for her; password tcm-demo; signing password tcm-sign)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The production stack on this machine (scripts/prod.py): PostgreSQL, Redis, two gunicorn nodes,
# nginx in front on https://127.0.0.1:8443, a Celery worker and beat; TCM_ENV=production.
# TCM_PROD_DEMO=0 starts without the demo data. State (database, uploads, secrets, logs) stays in
# instance/prod between runs.
prod: install
	scripts/system-deps.sh prod
	$(PY) scripts/prod.py start

prod-stop:
	$(PY) scripts/prod.py stop

prod-status:
	$(PY) scripts/prod.py status

# The mixed workload against the production stack (started if it is not running), one node then
# two: throughput, p50/p95/p99 per request type, errors and where the time goes (scripts/load.py).
load: install-load
	scripts/system-deps.sh prod
	$(PY) scripts/load.py

# Each fault during load, with its checks afterwards (scripts/faults.py; see docs/production.md).
faults: install-load
	scripts/system-deps.sh prod
	$(PY) scripts/faults.py

# The whole suite on SQLite, then every database test again on a throwaway PostgreSQL, the
# WebRTC calls and the clock runs. The two database passes spread their tests over one
# pytest-xdist worker per core (PYTEST_WORKERS). Stages run two by two where a core is left idle
# (-O keeps each stage's output together): the calls, mostly waiting on media and timers, beside
# the SQLite pass; the clock runs beside the PostgreSQL pass.
PYTEST_WORKERS ?= auto
test: install-test
	$(MAKE) --no-print-directory -j2 -O test-sqlite test-webrtc SQLITE_NICE="nice -n 10"
	$(MAKE) --no-print-directory -j4 -O test-postgres test-clock

# worksteal: a worker left without tests takes half of another's queue (otherwise the slow
# journeys and fuzz runs can leave one core idle at the end of a pass).
XDIST := -n $(PYTEST_WORKERS) --dist worksteal
# Beside the WebRTC calls the SQLite pass yields the CPU to them (nice): a call's media and its
# outage timers are what a busy core breaks (a 30 s outage's recovery failed once without it).
SQLITE_NICE ?=
# TCM_AXE=1: the journeys check every page with axe-core even when the shell says TCM_AXE=0.
test-sqlite:
	TCM_AXE=1 $(SQLITE_NICE) $(VENV)/bin/pytest $(XDIST)

# The time-sensitive tests (marked clock) again at three clinic times, Asia/Shanghai: just after
# midnight (UTC still yesterday), the morning, late at night (tomorrow morning is hours away).
# The three runs go side by side (each is mostly one process collecting and migrating); -O keeps
# each run's output together.
CLINIC_TIMES := 00:30 08:30 23:30
test-clock:
	$(MAKE) --no-print-directory -j3 -O $(addprefix test-clock-at-,$(subst :,,$(CLINIC_TIMES)))

test-clock-at-%:
	t=$*; env -u TCM_TEST_PG_URL TCM_TEST_CLINIC_TIME=$${t%??}:$${t#??} $(VENV)/bin/pytest -q -m clock

# Two Chromium pages in a call: inside a private network namespace, media stays on loopback.
# One test at a time: the network-fault tests cut the loopback of the whole namespace.
test-webrtc:
	unshare -n sh -c 'ip link set lo up && TCM_WEBRTC_NETNS=1 exec $(VENV)/bin/pytest tests/webrtc'

test-postgres:
	scripts/with-postgres.sh $(VENV)/bin/pytest $(XDIST)

bench: install-test
	$(PY) benchmarks/run.py
	$(PY) benchmarks/prescribing.py
	$(PY) benchmarks/signaling.py
	$(PY) benchmarks/tongue.py
	$(PY) benchmarks/decoction.py
	$(PY) benchmarks/treatments.py
	$(PY) benchmarks/treatment_pages.py
	$(PY) benchmarks/home_visits.py
	$(PY) benchmarks/constitution.py
	$(PY) benchmarks/quality_figures.py
	$(PY) benchmarks/text_consults.py
	$(PY) benchmarks/upload_memory.py
	$(PY) benchmarks/backup.py
	unshare -n sh -c 'ip link set lo up && TCM_WEBRTC_NETNS=1 exec $(PY) benchmarks/webrtc.py'
	scripts/with-postgres.sh bash -c 'TCM_BENCH_DATABASE_URL=$$TCM_TEST_PG_URL $(PY) benchmarks/run.py && TCM_BENCH_DATABASE_URL=$$TCM_TEST_PG_URL $(PY) benchmarks/prescribing.py && TCM_BENCH_DATABASE_URL=$$TCM_TEST_PG_URL $(PY) benchmarks/decoction.py && TCM_BENCH_DATABASE_URL=$$TCM_TEST_PG_URL $(PY) benchmarks/treatments.py && TCM_BENCH_DATABASE_URL=$$TCM_TEST_PG_URL $(PY) benchmarks/treatment_pages.py && TCM_BENCH_DATABASE_URL=$$TCM_TEST_PG_URL $(PY) benchmarks/home_visits.py && TCM_BENCH_DATABASE_URL=$$TCM_TEST_PG_URL $(PY) benchmarks/quality_figures.py && TCM_BENCH_DATABASE_URL=$$TCM_TEST_PG_URL $(PY) benchmarks/backup.py'

# The core, every domain (a folder with a setup.py: no edit here for a new one), tests, scripts.
SOURCES := tcm_app $(patsubst %/setup.py,%,$(wildcard */setup.py)) tests benchmarks scripts

lint: install-test
	$(VENV)/bin/ruff check $(SOURCES)

# Before each commit, in well under a minute: lint, format check and the pure tests (no app,
# no database, no browser).
check: install-test
	$(VENV)/bin/ruff check $(SOURCES)
	$(VENV)/bin/ruff format --check $(SOURCES)
	$(VENV)/bin/pytest -q -m pure

format: install-test
	$(VENV)/bin/ruff check --fix $(SOURCES)
	$(VENV)/bin/ruff format $(SOURCES)
