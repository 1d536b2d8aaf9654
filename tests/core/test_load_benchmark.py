"""make load's pieces without the stack: the seed of load accounts, the page reading of the load
users, the naming of every request, and the report's reading of locust's statistics and of CPU
time. (The load itself runs by `make load`; no speed is asserted here.)"""

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
LOAD = ROOT / "benchmarks" / "load"
sys.path.insert(0, str(LOAD))

import pages  # noqa: E402  (benchmarks/load, standard library only)
from accounts import Counts, decoction_name, doctor_name, patient_name  # noqa: E402


def load_script():
    spec = importlib.util.spec_from_file_location("load_script", ROOT / "scripts" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_script"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# --- the seed ---------------------------------------------------------------------------------


def test_the_seed_makes_load_accounts_with_work_for_every_role_and_refuses_twice(app):
    import seed

    from decoction.models import DecoctionOrder
    from herbs.models import Prescription
    from tcm_app.extensions import db
    from tcm_app.models.accounts import User

    note = seed.seed(Counts(patients=3, doctors=1, pharmacists=1, decoction=2))
    db.session.commit()
    assert note.startswith("load data seeded")
    names = set(db.session.scalars(sa.select(User.username)))
    assert {patient_name(3), doctor_name(1), decoction_name(2)} <= names
    orders = db.session.scalars(sa.select(DecoctionOrder.status)).all()
    assert orders == ["paid"] * 3  # one paid order a patient, waiting in the decoction room
    statuses = list(db.session.scalars(sa.select(Prescription.status)))
    assert statuses.count("draft") == seed.DRAFTS_PER_DOCTOR  # the doctor's editor has work
    assert statuses.count("pending_review") == seed.WAITING_REVIEW_PER_DOCTOR  # the pharmacist's

    assert seed.seed(Counts(patients=3, doctors=1)) == "load data already seeded: nothing done"

    # The room works the orders to their end; before the next run it gets paid ones again, up to
    # half the patients (here 1 of 3).
    db.session.execute(sa.update(DecoctionOrder).values(status="picked_up"))
    db.session.commit()
    note = seed.seed(Counts(patients=3, doctors=1))
    db.session.commit()
    assert note == "load data already seeded: 1 paid orders added to the decoction room"
    assert db.session.scalars(sa.select(DecoctionOrder.status)).all().count("paid") == 1


# --- reading pages ----------------------------------------------------------------------------

CONFIRM_PAGE = """
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="T0K"></form>
<form method="get" action="/treatments/book">
  <input type="hidden" name="patient_id" value="7"></form>
<form method="post" action="/treatments/book?x=1">
  <input name="csrf_token" type="hidden" value="T0K">
  <input type="hidden" name="start" value="2026-12-06T01:00:00+00:00">
  <input type="radio" name="pregnant" value="yes"><input type="radio" name="pregnant" value="no">
  <input type="checkbox" name="agree" value="1" checked>
  <select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>
  <textarea name="note">胃痛 &amp; 乏力</textarea>
  <button type="submit" name="go" value="1">Book</button>
</form>
<a href="/treatments/book?therapy=tuina&amp;start=x&amp;practitioner_id=3">09:00</a>
"""


def test_a_form_is_read_as_the_browser_would_send_it():
    form = pages.form(CONFIRM_PAGE, "/treatments/book")
    assert form.fields == {
        "csrf_token": "T0K",
        "start": "2026-12-06T01:00:00+00:00",
        "agree": "1",
        "kind": "b",
        "note": "胃痛 & 乏力",
    }
    assert form.radios == {"pregnant": ["yes", "no"], "agree": ["1"]}
    assert form.options == {"kind": ["a", "b"]}


@pytest.mark.parametrize(
    "method, field",
    [("get", "patient_id"), ("post", "start")],
    ids=["the GET form of the same action", "the POST form of the same action"],
)
def test_a_form_is_found_by_action_and_method(method, field):
    assert field in pages.form(CONFIRM_PAGE, "/treatments/book", method=method).fields


def test_links_token_and_ids_are_read_from_the_page():
    assert pages.csrf_token(CONFIRM_PAGE) == "T0K"
    assert pages.hrefs(CONFIRM_PAGE, "/treatments/book?therapy=") == [
        "/treatments/book?therapy=tuina&start=x&practitioner_id=3"
    ]
    page = '<a href="/encounters/5">a</a><a href="/encounters/3">b</a><a href="/encounters/5">'
    assert pages.ids(page, r'href="/encounters/(\d+)"') == [5, 3]
    with pytest.raises(ValueError):
        pages.form(CONFIRM_PAGE, "/nowhere")


# --- every request named ------------------------------------------------------------------------

ROLES = ("patient: ", "doctor: ", "pharmacist: ", "decoction: ")


def request_calls(tree):
    """(method name, first argument) of each self.call/page/post in the locustfile."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("call", "page", "post")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self"
        ):
            yield node


def test_every_request_of_the_users_is_named_by_its_type():
    tree = ast.parse((LOAD / "locustfile.py").read_text())
    names = []
    for call in request_calls(tree):
        position = 1 if call.func.attr == "call" else 0  # call(method, name, …)
        name = call.args[position]
        if isinstance(name, ast.Name) and name.id == "name":
            continue  # page/post pass their own name on to call
        assert isinstance(name, ast.Constant), ast.unparse(call)
        names.append(name.value)
    assert all(n.startswith(ROLES) or n in ("login page", "sign in") for n in names), names
    for role in ROLES:  # each role's journeys are there
        assert sum(n.startswith(role) for n in names) >= 2, role
    # The client is used in one place only, where the name is passed on.
    client_uses = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "client"]
    assert len(client_uses) == 1, "self.client.request in call() only"


def test_the_locustfile_imports_with_its_users():
    # Never imported here (it patches the standard library with gevent): in a process of its own.
    assert importlib.util.find_spec("locust") is not None, "make install-test installs locust"
    code = (
        "import sys; sys.path.insert(0, 'benchmarks/load'); import locustfile;"
        "print(sorted(c.__name__ for c in locustfile.USER_CLASSES))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "['Decoction', 'Doctor', 'Patient', 'Pharmacist']"


def test_the_decoction_room_fills_in_the_next_move_as_a_person_would():
    order_page = (
        '<form method="post" action="/decoction/orders/4/moves" class="move-form">'
        '<input type="hidden" name="move" value="dispense">'
        '<label>党参 (105.0 g) <input class="input" name="weighed-党参" required></label>'
        "</form>"
        '<form method="post" action="/decoction/orders/4/moves" class="move-form">'
        '<input type="hidden" name="move" value="hold"></form>'
    )
    fill = _locust_free_function("move_fields")
    assert fill(order_page, 4) == {"move": "dispense", "weighed-党参": "105.0"}
    soaking = order_page.replace('value="dispense"', 'value="finish_soak"')
    assert fill(soaking, 4) is None  # soaking takes half an hour: not a move made at once


def test_the_server_timing_header_of_the_app_is_summed_per_request_type():
    note = _locust_free_function("note_timing")
    note("patient: home", 'db;dur=12.5;desc="7 statements", app;dur=3.0')
    note("patient: home", 'db;dur=7.5;desc="5 statements", app;dur=1.0')
    note("patient: home", None)  # a node started without TCM_SERVER_TIMING
    assert note.__globals__["TIMINGS"] == {"patient: home": [2, 20.0, 4.0, 12]}


def _locust_free_function(name):
    """A module-level helper of the locustfile, compiled without importing locust (the test run
    need not have it, and importing it would monkey-patch this process with gevent)."""
    tree = ast.parse((LOAD / "locustfile.py").read_text())
    wanted = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    constants = [
        n
        for n in tree.body
        if isinstance(n, ast.Assign)
        and isinstance(n.targets[0], ast.Name)
        and n.targets[0].id in ("MOVABLE", "MOVE_VALUES", "SERVER_TIMING")
    ]
    namespace = {"pages": pages, "re": __import__("re"), "TIMINGS": {}}
    exec(
        compile(ast.Module(body=constants + wanted, type_ignores=[]), "locustfile", "exec"),
        namespace,
    )
    return namespace[name]


# --- the report ---------------------------------------------------------------------------------

STATS_CSV = """\
Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,99%
GET,login page,0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A
GET,patient: home,120,0,40,45.1,10,300,7000,2.0,0.0,40,120,250
POST,doctor: save draft,30,1,90,95.0,40,400,0,0.5,0.01,90,300,400
,Aggregated,150,1,45,55.0,10,400,5600,2.5,0.01,45,150,310
"""


def test_locust_statistics_are_read_per_request_type_with_the_total(tmp_path):
    path = tmp_path / "mixed_stats.csv"
    path.write_text(STATS_CSV)
    rows, total = load_script().parse_stats(path)
    assert [(r.name, r.count, r.failures, r.p50, r.p95, r.p99) for r in rows] == [
        ("patient: home", 120, 0, 40.0, 120.0, 250.0),
        ("doctor: save draft", 30, 1, 90.0, 300.0, 400.0),
    ]  # a type without a request in the window is left out
    assert (total.count, total.failures, total.p99) == (150, 1, 310.0)


def test_the_cpu_split_gives_each_part_its_seconds_and_the_rest_to_other_programs():
    load = load_script()
    ticks = load.TICKS
    before = {"node 1": 0, "PostgreSQL": 0, "load generator": 0, "machine": 0}
    after = {"node 1": 30 * ticks, "PostgreSQL": 10 * ticks, "load generator": 5 * ticks}
    after["machine"] = 60 * ticks
    assert load.cpu_split(before, after) == {
        "node 1": 30.0,
        "PostgreSQL": 10.0,
        "load generator": 5.0,
        "rest of the machine": 15.0,
    }
