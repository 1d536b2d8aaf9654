"""Every safety rule, table-driven against the shipped catalogue and rules: positive and negative
cases, aliases, processed forms and both pair orders. Pure: no database."""

import pytest

from herbs.catalogue import CatalogueIndex, parse_documents, unmarked_dispensing
from herbs.safety import (
    BLOCK,
    DOUBLE_SIGN,
    INFO,
    WARN,
    HerbLine,
    PatientFacts,
    build_rule_book,
    check_formula,
)
from herbs.services.data_files import read_yaml_file, read_yaml_folder

pytestmark = pytest.mark.pure

ADULT = PatientFacts(pregnant=False, age=40)
PREGNANT = PatientFacts(pregnant=True, age=30)
UNKNOWN = PatientFacts(pregnant=False, age=30, pregnancy_unknown=True)


@pytest.fixture(scope="module")
def checker():
    herbs, errors = parse_documents(read_yaml_folder("herbs"))
    assert not errors
    document = read_yaml_file("rules.yaml")
    index = CatalogueIndex(herbs, unmarked_dispensing(document))
    assert index.dispensing_problems == []
    rules, unresolved = build_rule_book(document, index)
    assert unresolved == [], "every herb named in rules.yaml is in the catalogue"

    def run(lines, packets=7, patient=ADULT):
        formula = [HerbLine(name, grams) for name, grams in lines]
        return check_formula(formula, packets, patient, index, rules)

    return run


def codes(findings, code=None):
    return [(f.code, f.severity) for f in findings if code is None or f.code == code]


PAIR_CASES = [
    # (rule, lines, expected code or None)
    ("甘草反海藻", [("甘草", 6), ("海藻", 10)], "incompatible_18"),
    ("海藻反甘草 (reverse order)", [("海藻", 10), ("甘草", 6)], "incompatible_18"),
    ("炙甘草 (processed) 反海藻", [("炙甘草", 6), ("海藻", 10)], "incompatible_18"),
    ("国老 (alias of 甘草) 反甘遂", [("国老", 6), ("甘遂", 1)], "incompatible_18"),
    ("甘草反芫花", [("芫花", 2), ("甘草", 6)], "incompatible_18"),
    ("甘草反京大戟", [("甘草", 6), ("京大戟", 2)], "incompatible_18"),
    ("附子反半夏", [("附子", 9), ("半夏", 9)], "incompatible_18"),
    ("制川乌 (processed) 反法半夏 (processed)", [("制川乌", 3), ("法半夏", 9)], "incompatible_18"),
    ("浙贝母反草乌 (reverse)", [("浙贝母", 9), ("制草乌", 3)], "incompatible_18"),
    ("附子反瓜蒌", [("附子", 9), ("瓜蒌", 12)], "incompatible_18"),
    ("附子反白及", [("白及", 9), ("附子", 9)], "incompatible_18"),
    ("藜芦反人参", [("藜芦", 1), ("人参", 6)], "incompatible_18"),
    ("藜芦反酒白芍 (processed 芍药)", [("酒白芍", 10), ("藜芦", 1)], "incompatible_18"),
    ("藜芦反细辛", [("细辛", 3), ("藜芦", 1)], "incompatible_18"),
    ("丁香畏郁金", [("丁香", 2), ("郁金", 9)], "incompatible_19"),
    ("郁金畏丁香 (reverse)", [("郁金", 9), ("丁香", 2)], "incompatible_19"),
    ("人参畏五灵脂", [("人参", 6), ("五灵脂", 9)], "incompatible_19"),
    ("官桂 (alias of 肉桂) 畏赤石脂", [("官桂", 3), ("赤石脂", 12)], "incompatible_19"),
    ("芒硝畏三棱", [("三棱", 6), ("芒硝", 9)], "incompatible_19"),
    ("巴豆霜畏牵牛子", [("巴豆霜", 0.2), ("牵牛子", 3)], "incompatible_19"),
    ("硫黄畏芒硝", [("硫黄", 1.5), ("芒硝", 6)], "incompatible_19"),
    ("no rule: 甘草 with 黄芪", [("甘草", 6), ("黄芪", 15)], None),
    ("no rule: 丁香 with 陈皮", [("丁香", 2), ("陈皮", 6)], None),
    ("no rule: 人参 with 白术", [("人参", 6), ("白术", 9)], None),
    ("no rule: 法半夏 with 陈皮 (二陈)", [("法半夏", 9), ("陈皮", 9)], None),
]


@pytest.mark.parametrize(
    "lines,expected", [c[1:] for c in PAIR_CASES], ids=[c[0] for c in PAIR_CASES]
)
def test_pair_rules(checker, lines, expected):
    pair_findings = [f for f in checker(lines) if f.code in ("incompatible_18", "incompatible_19")]
    if expected is None:
        assert pair_findings == []
    else:
        assert [(f.code, f.severity) for f in pair_findings] == [(expected, DOUBLE_SIGN)]
        assert pair_findings[0].lines == (0, 1)
        assert pair_findings[0].source


PREGNANCY_CASES = [
    ("莪术 is forbidden in pregnancy", "莪术", PREGNANT, ("pregnancy_forbidden", DOUBLE_SIGN)),
    ("麝香 is forbidden in pregnancy", "麝香", PREGNANT, ("pregnancy_forbidden", DOUBLE_SIGN)),
    ("红花 needs caution in pregnancy", "红花", PREGNANT, ("pregnancy_caution", WARN)),
    ("桃仁 needs caution in pregnancy", "桃仁", PREGNANT, ("pregnancy_caution", WARN)),
    ("莪术 is fine when not pregnant", "莪术", ADULT, None),
    ("甘草 is fine in pregnancy", "甘草", PREGNANT, None),
    (
        "莪术 is flagged when pregnancy was never recorded",
        "莪术",
        UNKNOWN,
        ("pregnancy_forbidden", WARN),
    ),
    ("红花 is not flagged when pregnancy was never recorded", "红花", UNKNOWN, None),
]


@pytest.mark.parametrize(
    "herb,patient,expected", [c[1:] for c in PREGNANCY_CASES], ids=[c[0] for c in PREGNANCY_CASES]
)
def test_pregnancy_rules(checker, herb, patient, expected):
    found = [
        (f.code, f.severity) for f in checker([(herb, 0.1)], 1, patient) if "pregnancy" in f.code
    ]
    assert found == ([expected] if expected else [])


TOXIC_CASES = [
    ("生半夏 written raw: second signature", [("生半夏", 3)], 2, [DOUBLE_SIGN]),
    ("半夏 not written raw: 法半夏 is dispensed, no toxic-28 finding", [("半夏", 6)], 2, []),
    ("法半夏 (processed) is not on the 28 list", [("法半夏", 9)], 7, []),
    ("生半夏 over the two-day maximum is refused", [("生半夏", 3)], 7, [BLOCK, DOUBLE_SIGN]),
    ("制川乌 (processed) is not on the 28 list", [("制川乌", 3)], 7, []),
    ("雄黄 (listed as itself) at its dose for two days: 双签", [("雄黄", 0.05)], 2, [DOUBLE_SIGN]),
    ("生川乌 has no oral dose: refused", [("生川乌", 1)], 1, [BLOCK, DOUBLE_SIGN]),
    ("川乌 not written raw is dispensed as 制川乌: no toxic-28 finding", [("川乌", 2)], 1, []),
]


@pytest.mark.parametrize(
    "lines,packets,severities", [c[1:] for c in TOXIC_CASES], ids=[c[0] for c in TOXIC_CASES]
)
def test_toxic_herb_rules(checker, lines, packets, severities):
    found = sorted(f.severity for f in checker(lines, packets) if f.code == "toxic")
    assert found == sorted(severities)


DOSE_CASES = [
    ("甘草 6 g is within 2–10 g", "甘草", 6, ADULT, None),
    ("甘草 15 g is above 10 g", "甘草", 15, ADULT, ("dose_above_max", DOUBLE_SIGN)),
    ("甘草 1 g is below 2 g: for the doctor", "甘草", 1, ADULT, ("dose_below_min", INFO)),
    ("石膏 60 g is the top of 15–60 g", "石膏", 60, ADULT, None),
    ("细辛 6 g is above 3 g", "细辛", 6, ADULT, ("dose_above_max", DOUBLE_SIGN)),
    (
        "a child of 5 gets half: 甘草 6 g > 5 g",
        "甘草",
        6,
        PatientFacts(age=5),
        ("dose_above_max", DOUBLE_SIGN),
    ),
    ("a child of 5: 甘草 4 g is fine", "甘草", 4, PatientFacts(age=5), None),
    (
        "an alias is checked like its herb: 国老 15 g",
        "国老",
        15,
        ADULT,
        ("dose_above_max", DOUBLE_SIGN),
    ),
]


@pytest.mark.parametrize(
    "herb,grams,patient,expected", [c[1:] for c in DOSE_CASES], ids=[c[0] for c in DOSE_CASES]
)
def test_dose_rules(checker, herb, grams, patient, expected):
    found = [(f.code, f.severity) for f in checker([(herb, grams)], 7, patient) if "dose" in f.code]
    assert found == ([expected] if expected else [])


DUPLICATE_CASES = [
    ("the same herb twice must be merged", [("甘草", 6), ("甘草", 3)], BLOCK),
    ("a herb and its alias are the same piece", [("甘草", 6), ("国老", 3)], BLOCK),
    ("raw and honey-fried forms together are flagged", [("甘草", 6), ("炙甘草", 6)], WARN),
    ("different herbs are not duplicates", [("甘草", 6), ("大枣", 9)], None),
]


@pytest.mark.parametrize(
    "lines,expected", [c[1:] for c in DUPLICATE_CASES], ids=[c[0] for c in DUPLICATE_CASES]
)
def test_duplicate_rules(checker, lines, expected):
    found = [f.severity for f in checker(lines) if f.code == "duplicate_herb"]
    assert found == ([expected] if expected else [])


def test_unknown_herb_blocks_and_names_what_was_written(checker):
    findings = checker([("不存在的药", 6), ("甘草", 6)])
    assert codes(findings, "unknown_herb") == [("unknown_herb", BLOCK)]
    assert findings[0].herbs == ("不存在的药",) and findings[0].lines == (0,)


def test_names_resolve_through_pinyin_code_and_full_width_spaces(checker):
    assert codes(checker([("gancao", 6)])) == []
    assert codes(checker([("甘　草", 6)])) == []


def test_a_clean_classical_formula_has_no_findings(checker):
    sijunzi = [("人参", 9), ("白术", 9), ("茯苓", 12), ("炙甘草", 6)]
    assert checker(sijunzi) == []


def test_findings_are_ordered_blocking_first_and_carry_a_source(checker):
    findings = checker([("甘草", 15), ("海藻", 10), ("无名草", 3)])
    assert next(f.severity for f in findings) == BLOCK
    assert all(f.message and f.source for f in findings)


def test_the_block_for_a_raw_toxic_herb_points_to_its_processed_form(checker):
    block = next(f for f in checker([("生川乌", 1)], 1) if f.severity == BLOCK)
    assert "制川乌" in block.message
