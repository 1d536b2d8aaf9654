"""How axe-core's findings are counted (tests/a11y/axe.py): WCAG 2.1 A/AA violations apart from
best practice, by rule, and the journeys' record summed up per rule."""

import json

import pytest

from tests.a11y import axe

pytestmark = pytest.mark.pure


def item(rule: str, tags: list[str], targets=("main",)) -> dict:
    return {"rule": rule, "impact": "minor", "tags": tags, "help": "", "targets": list(targets)}


@pytest.mark.parametrize(
    ("tags", "counted_as"),
    [
        pytest.param(["cat.forms", "wcag2a"], "violations", id="wcag-2.0-a-is-a-violation"),
        pytest.param(["wcag21aa", "wcag1410"], "violations", id="wcag-2.1-aa-is-a-violation"),
        pytest.param(["cat.tables", "best-practice"], "best_practice", id="best-practice-apart"),
    ],
)
def test_a_violation_counts_by_its_tags(tags, counted_as):
    raw = {"url": "/x", "violations": [item("rule", tags)], "incomplete": []}
    result = axe.PageResult.from_raw(raw)
    assert {"violations": result.violations, "best_practice": result.best_practice}[counted_as]
    assert len(result.violations) + len(result.best_practice) == 1


def test_nodes_are_counted_per_rule():
    findings = [
        axe.Finding("label", "serious", ["wcag2a"], "", ["#a", "#b"]),
        axe.Finding("region", "moderate", ["best-practice"], "", ["div"]),
    ]
    assert axe.by_rule(findings) == {"label": 2, "region": 1}


def test_the_journeys_record_is_summed_per_rule(tmp_path, monkeypatch):
    record = tmp_path / "axe.jsonl"
    monkeypatch.setattr(axe, "JOURNEY_REPORT", record)
    pages = [
        {"url": "/a", "violations": [item("label", ["wcag2a"], ["#x", "#y"])], "incomplete": []},
        {"url": "/b", "violations": [item("label", ["wcag2a"])], "incomplete": []},
        {"url": "/c", "error": "Axe is already running"},
    ]
    record.write_text("".join(json.dumps(page) + "\n" for page in pages), encoding="utf-8")
    summary = axe.journey_summary()
    assert summary[0].startswith("axe-core on 3 pages")
    assert "    label: 3 nodes on 2 pages" in summary
    assert "  axe failed on /c: Axe is already running" in summary
