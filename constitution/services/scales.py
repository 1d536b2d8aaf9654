"""The questionnaire scales this domain ships (constitution/data/scales/*.yaml), read and
validated once per process: a scale that fails validation stops the app at start-up
(setup.py loads them all), as a bad herb file stops `flask import-reference`."""

from functools import cache
from pathlib import Path

import yaml

from constitution.scoring import rules_of
from tcm_app.common.errors import NotFoundError
from tcm_app.common.questionnaire import Scale, parse_scale

SCALES_DIR = Path(__file__).resolve().parent.parent / "data" / "scales"
# The standard's scale for everyone; the primary-care form for people aged 65 and over.
SCALE_CODES = ("ccmq", "elderly")
STANDARD = "ccmq"


def read_scale(path: Path) -> Scale:
    """A scale file checked as a questionnaire and for its verdict rules; ValueError (a
    ScaleError or ScoringRuleError) says what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name} is not valid YAML: {exc}") from exc
    scale = parse_scale(data)
    rules_of(scale)
    return scale


@cache
def scale(code: str) -> Scale:
    if code not in SCALE_CODES:
        raise NotFoundError("no such questionnaire", "unknown_scale")
    return read_scale(SCALES_DIR / f"{code}.yaml")


def all_scales() -> list[Scale]:
    return [scale(code) for code in SCALE_CODES]


def scales_for(age: int) -> list[Scale]:
    """The scales a person of `age` may take, the one made for their age first."""
    usable = [s for s in all_scales() if s.applies_to(age)]
    return sorted(usable, key=lambda s: -(s.min_age or 0))


def type_codes() -> tuple[str, ...]:
    """The nine constitutions' codes in the standard's order (平和 first)."""
    return tuple(sub.code for sub in scale(STANDARD).subscales)
