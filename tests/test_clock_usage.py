"""One clinic clock (ARCHITECTURE.md): application code reads "now" and "today" only through
tcm_app/services/clock.py. A server-local `date.today()` starts the clinic's day at 08:00 on a UTC
server; pure modules take now/today as arguments."""

import ast
from pathlib import Path

import pytest

from tcm_app.domains import INSTALLED_DOMAINS

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tcm_app", *INSTALLED_DOMAINS)
CLOCK = ROOT / "tcm_app" / "services" / "clock.py"
# date.today(), datetime.now(), datetime.utcnow(), datetime.today(), also as datetime.datetime.now()
CLOCK_READS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
}


def clock_reads(source: str) -> list[tuple[str, int]]:
    """Each `<date|datetime>.<today|now|utcnow>(...)` call in `source`, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        if (name, node.func.attr) in CLOCK_READS:
            found.append((f"{name}.{node.func.attr}()", node.lineno))
    return found


def application_files():
    for package in PACKAGES:
        yield from (path for path in sorted((ROOT / package).rglob("*.py")) if path != CLOCK)


def test_only_the_clinic_clock_reads_the_time():
    breaches = [
        f"{path.relative_to(ROOT)}:{line}: {call}"
        for path in application_files()
        for call, line in clock_reads(path.read_text(encoding="utf-8"))
    ]
    assert breaches == [], "use tcm_app.services.clock (clinic_today, clinic_now, utc_now)"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("from datetime import date\nx = date.today()", ["date.today()"], id="date"),
        pytest.param("x = datetime.now(UTC)", ["datetime.now()"], id="datetime-now"),
        pytest.param(
            "import datetime\nx = datetime.datetime.utcnow()",
            ["datetime.utcnow()"],
            id="module-utcnow",
        ),
        pytest.param("x = clock.clinic_today()", [], id="the-clock"),
        pytest.param("x = today()", [], id="a-local-helper"),
    ],
)
def test_the_check_sees_each_way_of_reading_the_time(source, expected):
    assert [call for call, _ in clock_reads(source)] == expected
