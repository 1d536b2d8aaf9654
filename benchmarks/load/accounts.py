"""The load run's accounts, named the same way by the seed (seed.py) and the users (locustfile.py).

Standard library only: the locustfile imports it without the app."""

from dataclasses import dataclass

LOAD_PASSWORD = "tcm-load-2026"
LOAD_SIGNING_PASSWORD = "tcm-load-sign"


@dataclass(frozen=True)
class Counts:
    """How many accounts of each kind the seed makes (the users take them in turn)."""

    patients: int = 100
    doctors: int = 12
    pharmacists: int = 3
    decoction: int = 4


def patient_name(number: int) -> str:
    return f"load-patient-{number:04d}"


def doctor_name(number: int) -> str:
    return f"load-doctor-{number:02d}"


def pharmacist_name(number: int) -> str:
    return f"load-pharmacist-{number}"


def decoction_name(number: int) -> str:
    return f"load-decoction-{number}"
