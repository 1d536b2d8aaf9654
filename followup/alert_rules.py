"""Alert rules of a follow-up questionnaire: the answers (a worse symptom, a reaction, stopping
the medicine) that put the patient at the top of the doctor's follow-up list. They are data, in
each scale file's `alerts`; this module checks them against the scale and applies them.

Pure: standard library and tcm_app.common only."""

from collections.abc import Mapping
from dataclasses import dataclass

from tcm_app.common.questionnaire import Scale

REASONS = ("worse", "reaction", "hospital", "stopped", "diarrhoea", "local_reaction")


@dataclass(frozen=True)
class AlertRule:
    item: str
    values: frozenset[int]
    reason: str


def parse_alerts(rows: object, scale: Scale) -> tuple[AlertRule, ...]:
    """The scale file's alert rules; ValueError names each that does not fit the scale."""
    if rows is None:
        return ()
    if not isinstance(rows, list):
        raise ValueError(f"scale {scale.code}: alerts must be a list")
    rules, problems = [], []
    for number, row in enumerate(rows, 1):
        problem = _rule_problem(row, scale)
        if problem:
            problems.append(f"alert {number}: {problem}")
            continue
        rules.append(AlertRule(row["item"], frozenset(row["values"]), row["reason"]))
    if problems:
        raise ValueError(f"scale {scale.code}: {', '.join(problems)}")
    return tuple(rules)


def _rule_problem(row: object, scale: Scale) -> str | None:
    if not isinstance(row, Mapping) or not scale.has_item(str(row.get("item"))):
        return "unknown_item"
    if row.get("reason") not in REASONS:
        return "unknown_reason"
    values = row.get("values")
    if not isinstance(values, list) or not values:
        return "no_values"
    if not set(values) <= scale.item(row["item"]).values:
        return "value_not_a_choice"
    return None


def alerts_for(rules: tuple[AlertRule, ...], answers: Mapping[str, int]) -> list[str]:
    """The reasons the answers raise, each once, in the rules' order."""
    reasons: list[str] = []
    for rule in rules:
        if answers.get(rule.item) in rule.values and rule.reason not in reasons:
            reasons.append(rule.reason)
    return reasons
