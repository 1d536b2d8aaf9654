"""The decoction plan from the command line: `flask decoction plan` and the README's older
`python -m decoction.plan` read the same request on stdin and print the same plan; a bad request
prints {"error": {"code", "message"}} and exits with 2."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUEST = {
    "herbs": [{"name": "石膏", "dose_g": 30}, {"name": "薄荷", "dose_g": 6}],
    "packets": 7,
    "formula_type": "ordinary",
    "patient": {"age": 40},
}


def methods_of(plan: dict) -> dict:
    return {herb["name"]: herb["method"] for herb in plan["herbs"]}


def test_flask_decoction_plan_prints_the_plan(runner):
    result = runner.invoke(args=["decoction", "plan"], input=json.dumps(REQUEST))
    assert result.exit_code == 0, result.output
    assert methods_of(json.loads(result.output)) == {"石膏": "decoct_first", "薄荷": "add_near_end"}


@pytest.mark.parametrize(
    "body, code",
    [("not json", "invalid_json"), (json.dumps({"herbs": [], "packets": 7}), "no_herbs")],
    ids=["a body that is not JSON is refused", "a plan without herbs is refused"],
)
def test_a_bad_request_is_refused_with_its_code(runner, body, code):
    result = runner.invoke(args=["decoction", "plan"], input=body)
    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["code"] == code


def test_python_m_decoction_plan_gives_the_same_plan(runner):
    flask_plan = json.loads(
        runner.invoke(args=["decoction", "plan"], input=json.dumps(REQUEST)).output
    )
    done = subprocess.run(
        [sys.executable, "-m", "decoction.plan"],
        input=json.dumps(REQUEST),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == flask_plan
