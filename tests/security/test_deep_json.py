"""Deeply nested JSON is refused before any recursive code reads it (issue 15, finding 6a).

Python's json module, marshmallow and the storable-text walk all recurse: a body nested 5,000
levels deep used to end in a RecursionError, a 500. The raw body's depth is now measured without
recursion first; more than MAX_JSON_DEPTH levels is a 400 `too_deeply_nested`, whatever the route.
"""

import json
import time

import pytest

from tcm_app.common.text import MAX_JSON_DEPTH, json_too_deep
from tests.api.helpers import API


def nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param(f"{API}/auth/token", nested_lists(5000), id="lists 5000 deep to sign-in"),
        pytest.param(f"{API}/auth/token", nested_objects(5000), id="objects 5000 deep to sign-in"),
        pytest.param(f"{API}/encounters", nested_objects(1000), id="objects 1000 deep to visits"),
        pytest.param("/herbs/check", nested_lists(5000), id="lists 5000 deep to a page's json"),
        pytest.param("/login", nested_lists(MAX_JSON_DEPTH + 1), id="one level too deep to a page"),
    ],
)
def test_deeply_nested_json_is_refused_with_a_json_error(client, path, body):
    response = client.post(
        path, data=body, headers={"Content-Type": "application/json", "Accept": "application/json"}
    )
    assert response.status_code == 400, response.data[:300]
    assert response.json["error"]["code"] == "too_deeply_nested"
    assert response.json["error"]["message"]


def test_json_at_the_depth_limit_reaches_the_view(client):
    body = {"username": "nobody", "password": "x", "extra": json.loads(nested_lists(30))}
    response = client.post(f"{API}/auth/token", json=body)
    assert response.status_code != 500
    assert response.json["error"]["code"] != "too_deeply_nested"


@pytest.mark.parametrize(
    ("raw", "too_deep"),
    [
        pytest.param(nested_lists(MAX_JSON_DEPTH), False, id="lists at the limit are accepted"),
        pytest.param(nested_lists(MAX_JSON_DEPTH + 1), True, id="lists one deeper are refused"),
        pytest.param(nested_objects(MAX_JSON_DEPTH + 1), True, id="objects one deeper are refused"),
        pytest.param(
            json.dumps({"note": "[" * 5000}), False, id="brackets inside a string do not count"
        ),
        pytest.param(
            json.dumps({"note": '\\"[[[' * 100}), False, id="escaped quotes do not end a string"
        ),
        pytest.param("[1,[2],[3],[4]]" * 1000, False, id="wide but shallow is accepted"),
        pytest.param(b"[" * 100_000, True, id="unclosed brackets as bytes are refused"),
        pytest.param("", False, id="an empty body is not deep"),
    ],
)
def test_json_depth_is_measured_without_recursion(raw, too_deep):
    assert json_too_deep(raw) is too_deep


def lists_and_strings(n: int) -> str:
    return "[" + ("[" + "1," * 100 + "1]," + '"' + "[" * 1000 + '",') * n + "1]"


def escaped_quotes(n: int) -> str:
    return '"' + '\\"' * n


def levels(n: int) -> str:
    return "[" * n + "]" * n


def best_time(raw) -> float:
    """The fastest of three runs, in this thread's CPU time: the time the scan itself took, not
    the time other processes (a parallel test worker, a browser) held the core meanwhile."""
    times = []
    for _ in range(3):
        started = time.thread_time()
        json_too_deep(raw)
        times.append(time.thread_time() - started)
    return min(times)


# Twelve megabytes are measured in time linear in their length: ten times the body takes about ten
# times as long (a quadratic scan would take a hundred times). A ratio, not a wall-clock limit, so
# that a loaded machine does not fail it; the absolute figure is for benchmarks.
@pytest.mark.parametrize(
    ("build", "n", "too_deep"),
    [
        pytest.param(lists_and_strings, 10_000, False, id="twelve megabytes of lists and strings"),
        pytest.param(escaped_quotes, 6_000_000, False, id="an unclosed string of escaped quotes"),
        pytest.param(levels, 6_000_000, True, id="six million levels"),
    ],
)
def test_a_twelve_megabyte_body_is_measured_in_linear_time(build, n, too_deep):
    big, small = build(n), build(n // 10)
    assert json_too_deep(big) is too_deep
    assert best_time(big) < 30 * best_time(small)
