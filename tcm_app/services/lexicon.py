"""The reviewed subset of GB/T 15657-2021 codes we ship (tcm_app/data), looked up by exact name."""

import csv
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "gbt15657_subset.csv"


@lru_cache(maxsize=1)
def _codes() -> dict[tuple[str, str], str]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return {(row["kind"], row["name"]): row["code"] for row in csv.DictReader(handle)}


def code_for(kind: str, name: str) -> str:
    """The code for a disease or syndrome name, or "" when the subset does not know it."""
    return _codes().get((kind, (name or "").strip()), "")


def known_names(kind: str) -> list[str]:
    return sorted(name for (entry_kind, name) in _codes() if entry_kind == kind)


def entries(kind: str) -> list[dict[str, str]]:
    """Names with their codes, for the diagnosis form's picker."""
    return [
        {"name": name, "code": code}
        for (entry_kind, name), code in sorted(_codes().items(), key=lambda item: item[1])
        if entry_kind == kind
    ]
