"""Prescription input rules and the frozen content of a signed prescription. Pure: standard library.

Units follow 《中药处方格式及书写规范》: grams per packet (one packet = one day's dose, 剂), the
number of packets, and a usage line such as 每日1剂，水煎400ml，分早晚两次温服.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from herbs.catalogue import METHODS

MAX_LINES = 40
MAX_LINE_GRAMS = 250.0  # above any pharmacopoeia range; 0 and 5000 are refused outright
MAX_PACKETS = 30  # 长期处方 of a chronic follow-up; longer needs a new visit
MAX_USAGE_CHARS = 200
MAX_NAME_CHARS = 32
MIN_REASON_CHARS = 2
MAX_REASON_CHARS = 500
MAX_VALID_DAYS = 3  # 电子处方有效期: three days at most (S004 §1.2.2)
DEFAULT_USAGE = "每日1剂，水煎400ml，分早晚两次温服"


@dataclass(frozen=True)
class LineInput:
    name: str
    dose_g: float
    method: str | None


def parse_lines(raw_lines) -> tuple[list[LineInput], dict[str, list[str]]]:
    """Check what the editor sent; errors are keyed `lines.<n>.<field>` with stable codes."""
    errors: dict[str, list[str]] = {}
    if not isinstance(raw_lines, list) or not raw_lines:
        return [], {"lines": ["lines_required"]}
    if len(raw_lines) > MAX_LINES:
        return [], {"lines": ["too_many_lines"]}
    lines = []
    for position, raw in enumerate(raw_lines):
        line, line_errors = _parse_line(raw)
        for field, code in line_errors:
            errors.setdefault(f"lines.{position}.{field}", []).append(code)
        if line is not None:
            lines.append(line)
    return lines, errors


def _parse_line(raw) -> tuple[LineInput | None, list[tuple[str, str]]]:
    if not isinstance(raw, dict):
        return None, [("name", "invalid")]
    problems = []
    name = raw.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        problems.append(("name", "required"))
    elif len(name) > MAX_NAME_CHARS:
        problems.append(("name", "too_long"))
    dose, dose_problem = parse_grams(raw.get("dose_g"))
    if dose_problem:
        problems.append(("dose_g", dose_problem))
    method = raw.get("method") or None
    if method is not None and method not in METHODS:
        problems.append(("method", "invalid"))
    if problems:
        return None, problems
    return LineInput(name, dose, method), []


def parse_grams(value) -> tuple[float, str | None]:
    """Grams for one packet: a positive number up to MAX_LINE_GRAMS, at most 3 decimals."""
    if isinstance(value, bool):
        return 0.0, "not_a_number"
    try:
        grams = float(value)
    except (TypeError, ValueError):
        return 0.0, "not_a_number"
    if not math.isfinite(grams):
        return 0.0, "not_a_number"
    if grams <= 0:
        return grams, "dose_not_positive"
    if grams > MAX_LINE_GRAMS:
        return grams, "dose_absurd"
    if round(grams, 3) != grams:
        return grams, "dose_precision"
    return grams, None


def packets_problem(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return "not_a_number"
    if value < 1:
        return "packets_not_positive"
    if value > MAX_PACKETS:
        return "too_many_packets"
    return None


def usage_problem(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "required"
    if len(value) > MAX_USAGE_CHARS:
        return "too_long"
    return None


def reason_problem(value) -> str | None:
    if not isinstance(value, str) or len(value.strip()) < MIN_REASON_CHARS:
        return "reason_required"
    if len(value) > MAX_REASON_CHARS:
        return "too_long"
    return None


def valid_until(approved_at: datetime, days: int) -> datetime:
    """An approved prescription is valid for `days` (never more than three)."""
    return approved_at + timedelta(days=max(1, min(days, MAX_VALID_DAYS)))


def content_hash(content: dict) -> str:
    """SHA-256 of the canonical JSON of what was signed; any later change shows as a mismatch."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


MAX_AGE = 130


def parse_check_request(body) -> tuple[list[LineInput], int, dict, dict[str, list[str]]]:
    """The body of a safety check (API and command line):
    {"herbs": [{"name", "dose_g"}], "packets": 7,
     "patient": {"pregnant": false, "age": 40, "kidney_disease": false}}."""
    if not isinstance(body, dict):
        return [], 0, {}, {"body": ["not_an_object"]}
    raw_lines = body.get("herbs")
    if isinstance(raw_lines, list):
        raw_lines = [{**raw, "method": None} if isinstance(raw, dict) else raw for raw in raw_lines]
    lines, errors = parse_lines(raw_lines)
    if "lines" in errors:
        errors["herbs"] = errors.pop("lines")
    errors = {key.replace("lines.", "herbs.", 1): codes for key, codes in errors.items()}
    packets = body.get("packets", 1)
    if problem := packets_problem(packets):
        errors["packets"] = [problem]
    patient, patient_errors = _parse_patient(body.get("patient") or {})
    errors.update(patient_errors)
    return lines, packets, patient, errors


def _parse_patient(raw) -> tuple[dict, dict[str, list[str]]]:
    if not isinstance(raw, dict):
        return {}, {"patient": ["not_an_object"]}
    errors = {}
    pregnant = raw.get("pregnant", False)
    if not isinstance(pregnant, bool):
        errors["patient.pregnant"] = ["not_a_boolean"]
    age = raw.get("age")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int)):
        errors["patient.age"] = ["not_a_number"]
    elif age is not None and not 0 <= age <= MAX_AGE:
        errors["patient.age"] = ["out_of_range"]
    kidney = raw.get("kidney_disease")
    if kidney is not None and not isinstance(kidney, bool):
        errors["patient.kidney_disease"] = ["not_a_boolean"]
    kidney = kidney if isinstance(kidney, bool) else None  # absent: not recorded
    return {"pregnant": pregnant is True, "age": age, "kidney_disease": kidney}, errors
