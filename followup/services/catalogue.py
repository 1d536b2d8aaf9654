"""The follow-up questionnaires and plan templates this domain ships (followup/data), read and
validated once per process: a bad file stops the app at start-up (setup.py loads them)."""

from functools import cache
from pathlib import Path

import yaml

from followup.alert_rules import AlertRule, parse_alerts
from followup.plan_rules import parse_templates
from tcm_app.common.errors import NotFoundError
from tcm_app.common.questionnaire import Scale, parse_scale

DATA = Path(__file__).resolve().parent.parent / "data"
SCALE_CODES = ("medication", "treatment")


def _load(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name} is not valid YAML: {exc}") from exc


@cache
def _scale_and_alerts(code: str) -> tuple[Scale, tuple[AlertRule, ...]]:
    if code not in SCALE_CODES:
        raise NotFoundError("no such questionnaire", "unknown_scale")
    data = _load(DATA / "scales" / f"{code}.yaml")
    scale = parse_scale(data)
    assert isinstance(data, dict)
    return scale, parse_alerts(data.get("alerts"), scale)


def scale(code: str) -> Scale:
    return _scale_and_alerts(code)[0]


def alert_rules(code: str) -> tuple[AlertRule, ...]:
    return _scale_and_alerts(code)[1]


def all_scales() -> list[Scale]:
    return [scale(code) for code in SCALE_CODES]


@cache
def templates() -> dict:
    """Template code → {title, title_en, tasks}, in the file's order."""
    return parse_templates(_load(DATA / "templates.yaml"), SCALE_CODES)


def load_all() -> None:
    """Read every file now, so a bad one stops the start."""
    all_scales()
    templates()
