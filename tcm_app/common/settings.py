"""How a setting is declared and checked, for the core's config.py and each domain's settings.py.

A domain's `<domain>/settings.py` may declare (all optional; tcm_app/config.py reads them for every
installed domain before the app starts, so instance/config.py and the environment override them):
- `SETTINGS`: name -> Setting(default, read): the default, and how `TCM_<name>` is read;
- `BEAT`: its Celery beat entries (`celery -A tcm_app.worker beat` runs them);
- `derive(config)`: settings derived from others once they are all read;
- `validate(config)`: refuse a wrong value with a ConfigError that names the TCM_* variable.

Pure: standard library only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message names the TCM_* variable to fix."""


@dataclass(frozen=True)
class Setting:
    default: object  # copied into each app's config, so a list default is never shared
    read: Callable[[str], object] = str  # TCM_<name> -> value; a ValueError refuses the start


def is_money(value) -> bool:
    """An amount in yuan: finite, not negative, whole cents."""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return False
    return amount.is_finite() and amount >= 0 and amount == amount.quantize(Decimal("0.01"))


def require_whole_numbers(config, limits: dict[str, tuple[int, int]]) -> None:
    """Each named setting is a whole number within its (low, high)."""
    for key, (low, high) in limits.items():
        value = config.get(key)
        if not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"TCM_{key} must be a whole number from {low} to {high}")
