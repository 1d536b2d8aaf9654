"""What a pharmacist's review of an outside prescription must hold before it is approved. The
software refuses the approval that the rules forbid; it never approves by itself.

- The checks are confirmed one by one, in the order of intake_rules.CHECKS.
- The institution's own prescription number is required and, with the institution, unique.
- A finding that needs 双签 in-house (double_sign) needs a second pharmacist here.
- A real incompatibility (十八反, 十九畏) or a dose above the usual range stands only when the
  writer signed again beside it on the paper (《中药处方格式及书写规范》第(七)款: 配伍禁忌和超剂量
  使用时，应当在药品上方再次签名); otherwise it is refused.
- A herb of the 28 toxic medicines is dispensed from a prescription of another institution only
  with that institution's official seal (《医疗用毒性药品管理办法》第九条: 凭盖有医生所在的医疗单位
  公章的正式处方); such herbs are never posted (decoction/ordering.py).
- A blocking finding cannot be approved at all.

Pure: standard library and tcm_app.common."""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from external_rx.intake_rules import CHECKS
from tcm_app.common.voice_notes import words_or_voice_problem

# The finding codes and severities of herbs/safety.py, whose findings the transcription stores
# (a pure module imports no other package; tests/external_rx/test_review_rules.py keeps them equal).
BLOCK, DOUBLE_SIGN = "block", "double_sign"
INCOMPATIBLE_18, INCOMPATIBLE_19 = "incompatible_18", "incompatible_19"
DOSE_ABOVE_MAX, TOXIC = "dose_above_max", "toxic"

RX_NUMBER_MAX = 40
MESSAGE_MAX = 500
WRITER_MUST_SIGN = frozenset({INCOMPATIBLE_18, INCOMPATIBLE_19, DOSE_ABOVE_MAX})
SEAL_NEEDED = frozenset({TOXIC})


def next_check(confirmed: Iterable[str]) -> str | None:
    """The first check not yet confirmed, or None when all are."""
    done = set(confirmed)
    return next((check for check in CHECKS if check not in done), None)


def rx_number_problem(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return "rx_number_required"
    if len(text) > RX_NUMBER_MAX or not text.isprintable():
        return "rx_number_invalid"
    return None


def message_problem(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) < 2:
        return "external_message_required"
    if len(text) > MESSAGE_MAX:
        return "external_message_too_long"
    return None


def answer_problem(value: str | None, has_voice: bool) -> str | None:
    """The patient's answer: words as any message, or a voice note said instead (the words
    then optional, still no longer than a message)."""
    problem = message_problem(value)
    if problem != "external_message_required":
        return problem
    return words_or_voice_problem(value, has_voice, min_chars=2)


def _codes(findings: Iterable[Mapping], severity: str | None = None) -> set[str]:
    return {f["code"] for f in findings if severity is None or f["severity"] == severity}


def needs_second_pharmacist(findings: Iterable[Mapping]) -> bool:
    return bool(_codes(findings, DOUBLE_SIGN))


def approval_problems(
    *, confirmed: Iterable[str], has_lines: bool, findings: list[Mapping],
    writer_countersigned: bool, official_seal: bool, second_signed: bool,
) -> list[str]:  # fmt: skip
    """Every reason the transcription cannot be approved yet (empty: it may be)."""
    if next_check(confirmed) is not None:
        return ["checks_incomplete"]
    if not has_lines:
        return ["transcription_required"]
    problems = []
    codes = _codes(findings)
    if _codes(findings, BLOCK):
        problems.append("external_blocking_finding")
    if codes & WRITER_MUST_SIGN and not writer_countersigned:
        problems.append("writer_signature_missing")
    if codes & SEAL_NEEDED and not official_seal:
        problems.append("official_seal_missing")
    if needs_second_pharmacist(findings) and not second_signed:
        problems.append("second_pharmacist_required")
    return problems


def last_valid_day(written_on: date, valid_days: int) -> date:
    """The last day the paper may be dispensed on (the day written counts as the first)."""
    return written_on + timedelta(days=valid_days - 1)
