"""The therapy catalogue as plain values: validating the rows of treatments/data/therapies.yaml
(or an admin's edit) before they reach the database. Pure: standard library and this package."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from treatments.booking_rules import TICK_MINUTES
from treatments.screening import QUESTION_CODES, Severity

RESOURCE_KINDS = frozenset({"bed", "room"})
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MIN_MINUTES, MAX_MINUTES = 5, 240


@dataclass(frozen=True)
class TherapyRow:
    code: str
    name: str
    name_en: str
    minutes: int
    resource_kind: str
    equipment: tuple[str, ...]
    qualification: str
    price: Decimal
    contraindications: dict
    source: str
    home_minutes: int | None = None  # offered at home (上门) for this long, when set
    home_fee: Decimal | None = None  # the home visit's fee on top of the price


def therapy_problems(row: dict) -> list[str]:
    """Stable codes for what is wrong with a catalogue row; empty when it is usable."""
    problems = [f"missing_{key}" for key in ("code", "name", "minutes") if not row.get(key)]
    if row.get("code") and not CODE_PATTERN.match(str(row["code"])):
        problems.append("bad_code")
    minutes = row.get("minutes")
    if minutes and (
        not isinstance(minutes, int)
        or not MIN_MINUTES <= minutes <= MAX_MINUTES
        or minutes % TICK_MINUTES
    ):
        problems.append("bad_minutes")
    if row.get("resource_kind") not in RESOURCE_KINDS:
        problems.append("bad_resource_kind")
    if not row.get("qualification"):
        problems.append("missing_qualification")
    if _price(row.get("price")) is None:
        problems.append("bad_price")
    problems += _home_problems(row)
    rules = row.get("contraindications") or {}
    if not isinstance(rules, dict) or any(
        code not in QUESTION_CODES or severity not in set(Severity)
        for code, severity in rules.items()
    ):
        problems.append("bad_contraindications")
    return problems


def _home_problems(row: dict) -> list[str]:
    """A therapy offered at home has a length (whole ticks) and a fee; one without has neither."""
    minutes, fee = row.get("home_minutes"), row.get("home_fee")
    if minutes is None and fee is None:
        return []
    problems = []
    if (
        not isinstance(minutes, int)
        or not MIN_MINUTES <= minutes <= MAX_MINUTES
        or minutes % TICK_MINUTES
    ):
        problems.append("bad_home_minutes")
    if _price(fee) is None:
        problems.append("bad_home_fee")
    return problems


def _price(value) -> Decimal | None:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not price.is_finite() or price < 0 or price != price.quantize(Decimal("0.01")):
        return None
    return price


def therapy_row(row: dict) -> TherapyRow:
    """A validated row; raises ValueError naming the problems."""
    problems = therapy_problems(row)
    price = _price(row.get("price"))
    if problems or price is None:
        raise ValueError(f"therapy {row.get('code')!r}: {', '.join(problems)}")
    return TherapyRow(
        code=row["code"],
        name=row["name"],
        name_en=row.get("name_en") or row["name"],
        minutes=row["minutes"],
        resource_kind=row["resource_kind"],
        equipment=tuple(row.get("equipment") or ()),
        qualification=row["qualification"],
        price=price,
        contraindications=dict(row.get("contraindications") or {}),
        source=row.get("source", ""),
        home_minutes=row.get("home_minutes"),
        home_fee=_price(row["home_fee"]) if row.get("home_fee") is not None else None,
    )
