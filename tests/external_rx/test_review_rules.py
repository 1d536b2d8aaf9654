"""The rules a pharmacist's approval of an outside prescription must meet
(external_rx/review_rules.py): checks in turn, the institution's number, the second pharmacist for
a 双签 finding, the writer's own second signature for an incompatibility or excess dose, the
official seal for a toxic herb, and no approval past a blocking finding."""

from datetime import date

import pytest

from external_rx import review_rules
from external_rx.intake_rules import CHECKS
from herbs import safety

pytestmark = pytest.mark.pure

PAIR = {"code": "incompatible_18", "severity": "double_sign"}
EXCESS = {"code": "dose_above_max", "severity": "double_sign"}
PREGNANCY = {"code": "pregnancy_forbidden", "severity": "double_sign"}
TOXIC = {"code": "toxic", "severity": "double_sign"}
TOXIC_OVER = {"code": "toxic", "severity": "block"}
CAUTION = {"code": "pregnancy_caution", "severity": "warn"}

ALL = set(CHECKS)
READY = {"writer_countersigned": False, "official_seal": False, "second_signed": False}

APPROVAL_CASES = [
    ("no finding: approvable", ALL, True, [], {}, []),
    ("a warning alone needs nothing more", ALL, True, [CAUTION], {}, []),
    ("a check left: the checks first", ALL - {"real_form"}, True, [], {}, ["checks_incomplete"]),
    ("no lines: transcribe first", ALL, False, [], {}, ["transcription_required"]),
    (
        "an incompatible pair without the writer's signature on the paper is refused",
        ALL, True, [PAIR], {"second_signed": True}, ["writer_signature_missing"],
    ),
    (
        "an incompatible pair with the writer's signature still needs a second pharmacist",
        ALL, True, [PAIR], {"writer_countersigned": True}, ["second_pharmacist_required"],
    ),
    (
        "an incompatible pair signed by the writer and a second pharmacist: approvable",
        ALL, True, [PAIR], {"writer_countersigned": True, "second_signed": True}, [],
    ),
    (
        "an excess dose needs the writer's signature like an incompatibility",
        ALL, True, [EXCESS], {"second_signed": True}, ["writer_signature_missing"],
    ),
    (
        "a pregnancy-forbidden herb needs a second pharmacist, not the writer's signature",
        ALL, True, [PREGNANCY], {}, ["second_pharmacist_required"],
    ),
    (
        "a toxic herb without the institution's official seal is refused",
        ALL, True, [TOXIC], {"second_signed": True}, ["official_seal_missing"],
    ),
    (
        "a toxic herb with the seal and a second pharmacist: approvable",
        ALL, True, [TOXIC], {"official_seal": True, "second_signed": True}, [],
    ),
    (
        "a toxic herb over its two-day maximum can never be approved",
        ALL, True, [TOXIC_OVER, TOXIC], {"official_seal": True, "second_signed": True},
        ["external_blocking_finding"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    "confirmed, has_lines, findings, paper, expected",
    [case[1:] for case in APPROVAL_CASES],
    ids=[case[0] for case in APPROVAL_CASES],
)
def test_approval_rules(confirmed, has_lines, findings, paper, expected):
    problems = review_rules.approval_problems(
        confirmed=confirmed, has_lines=has_lines, findings=findings, **{**READY, **paper}
    )
    assert problems == expected


def test_the_checks_come_in_the_order_of_the_list():
    assert review_rules.next_check([]) == "real_form"
    assert review_rules.next_check(["real_form", "signed_or_sealed"]) == "patient_matches"
    assert review_rules.next_check(CHECKS) is None


NUMBER_CASES = [
    ("blank", "  ", "rx_number_required"),
    ("as printed", "BJ-2026-000123", None),
    ("longer than 40", "1" * 41, "rx_number_invalid"),
    ("with a line break", "12\n34", "rx_number_invalid"),
]


@pytest.mark.parametrize(
    "value, expected", [c[1:] for c in NUMBER_CASES], ids=[c[0] for c in NUMBER_CASES]
)
def test_the_institutions_number(value, expected):
    assert review_rules.rx_number_problem(value) == expected


@pytest.mark.parametrize(
    "written_on, days, last",
    [
        (date(2026, 3, 5), 3, date(2026, 3, 7)),
        (date(2026, 3, 5), 1, date(2026, 3, 5)),
        (date(2026, 2, 27), 3, date(2026, 3, 1)),
    ],
    ids=["three days counting the day written", "a one-day paper", "across a month's end"],
)
def test_the_last_valid_day(written_on, days, last):
    assert review_rules.last_valid_day(written_on, days) == last


def test_the_finding_codes_are_those_of_the_herb_safety_check():
    names = (
        "BLOCK",
        "DOUBLE_SIGN",
        "INCOMPATIBLE_18",
        "INCOMPATIBLE_19",
        "DOSE_ABOVE_MAX",
        "TOXIC",
    )
    names += ("TOXIC",)
    assert [getattr(review_rules, n) for n in names] == [getattr(safety, n) for n in names]
