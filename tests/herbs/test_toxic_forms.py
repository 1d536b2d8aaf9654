"""The 28 toxic herbs of 《医疗用毒性药品管理办法》 (1988) by written form (第九条): a name written
with 生 is the raw herb (toxic rules, two-day maximum) or unknown; an unmarked name of a herb with
a processed form is dispensed, and checked, as that form; the processed name is an ordinary herb.
Also the names doctors write for drugs no longer supplied, aristolochic-acid herbs, herbs the
pharmacy does not stock, and doses below the usual range. Pure: no database."""

import pytest

from herbs.catalogue import CatalogueIndex, parse_documents, unmarked_dispensing
from herbs.safety import (
    BLOCK,
    DOUBLE_SIGN,
    INFO,
    HerbLine,
    PatientFacts,
    build_rule_book,
    check_formula,
    for_pharmacist,
)
from herbs.services.data_files import read_yaml_file, read_yaml_folder

pytestmark = pytest.mark.pure

ADULT = PatientFacts(pregnant=False, age=40)


@pytest.fixture(scope="module")
def catalogue():
    herbs, errors = parse_documents(read_yaml_folder("herbs"))
    assert not errors
    document = read_yaml_file("rules.yaml")
    index = CatalogueIndex(herbs, unmarked_dispensing(document))
    assert index.dispensing_problems == []
    rules, unresolved = build_rule_book(document, index)
    assert unresolved == []
    return index, rules


@pytest.fixture(scope="module")
def checker(catalogue):
    index, rules = catalogue

    def run(lines, packets=7, patient=ADULT):
        formula = [HerbLine(name, grams) for name, grams in lines]
        return check_formula(formula, packets, patient, index, rules)

    return run


def pairs(findings):
    return {(f.code, f.severity) for f in findings}


# (raw name as written, unmarked name, processed form dispensed for it or None, usual daily grams
# of what is dispensed). Order and spelling of the list as in 国务院令第23号; 闹阳花 is 闹羊花.
THE_28 = [
    ("生半夏", "半夏", "法半夏", 9),
    ("生南星", "南星", "制天南星", 6),
    ("生白附子", "白附子", "制白附子", 4.5),
    ("生附子", "附子", None, 9),  # ChP 附子 is itself the processed drug (盐附子、黑顺片、白附片)
    ("生川乌", "川乌", "制川乌", 2),
    ("生草乌", "草乌", "制草乌", 2),
    ("生甘遂", "甘遂", "醋甘遂", 1),
    ("生狼毒", "狼毒", "醋狼毒", 1),
    ("生巴豆", "巴豆", "巴豆霜", 0.2),
    ("生千金子", "千金子", "千金子霜", 0.75),
    ("生天仙子", "天仙子", None, 0.3),
    ("生马钱子", "马钱子", "制马钱子", 0.45),
    ("生藤黄", "藤黄", None, 0.1),
    ("生闹羊花", "闹羊花", None, 1),
    ("生雪上一枝蒿", "雪上一枝蒿", None, 0.05),
    ("生斑蝥", "斑蝥", None, 0.03),
    ("生红娘虫", "红娘虫", None, 0.1),
    ("生青娘虫", "青娘虫", None, 0.1),
    ("生蟾酥", "蟾酥", None, 0.015),
    ("生洋金花", "洋金花", None, 0.3),
    ("生砒石", "砒石", None, 0.002),
    ("生砒霜", "砒霜", None, 0.002),
    ("生水银", "水银", None, 0.1),
    ("生雄黄", "雄黄", None, 0.05),
    ("生红升丹", "红升丹", None, 0.1),
    ("生红粉", "红粉", None, 0.1),
    ("生轻粉", "轻粉", None, 0.1),
    ("生白降丹", "白降丹", None, 0.1),
]
SELF_DISPENSED_UNMARKED = {"附子"}  # an ordinary catalogue herb, not the raw one


def test_the_table_has_the_28_items_of_the_list(catalogue):
    index, _rules = catalogue
    listed = {index.resolve(raw).code for raw, *_ in THE_28}
    assert len(listed) == 28
    assert all(index.resolve(raw).toxic_28 for raw, *_ in THE_28)


RAW_CASES = [
    pytest.param(raw, grams, id=f"{raw} {grams} g × 7 is the raw herb of the 28 list: toxic, 双签")
    for raw, _plain, _processed, grams in THE_28
]


@pytest.mark.parametrize("written,grams", RAW_CASES)
def test_a_name_written_with_sheng_is_the_raw_toxic_herb(catalogue, checker, written, grams):
    index, _rules = catalogue
    herb = index.resolve(written)
    assert herb is not None and herb.toxic_28 and herb.base_code is None
    findings = checker([(written, grams)])
    assert ("toxic", DOUBLE_SIGN) in pairs(findings)
    assert "toxic_dispensed_processed" not in {f.code for f in findings}


UNMARKED_CASES = [
    pytest.param(
        plain,
        processed,
        grams,
        id=(
            f"{plain} {grams} g × 7 is dispensed and checked as {processed}, no two-day maximum"
            if processed
            else f"{plain} {grams} g × 7 has no processed form to give: the listed herb, 双签"
        ),
    )
    for _raw, plain, processed, grams in THE_28
    if plain not in SELF_DISPENSED_UNMARKED
]


@pytest.mark.parametrize("written,processed,grams", UNMARKED_CASES)
def test_an_unmarked_name_is_the_processed_form_dispensed(
    catalogue, checker, written, processed, grams
):
    index, _rules = catalogue
    findings = checker([(written, grams)])
    if processed is None:
        assert index.resolve(written).toxic_28
        assert ("toxic", DOUBLE_SIGN) in pairs(findings)
        return
    assert index.resolve(written).name == processed
    assert "toxic" not in {f.code for f in findings}
    note = next(f for f in findings if f.code == "toxic_dispensed_processed")
    assert note.severity == INFO and processed in note.message
    assert not [f for f in findings if f.severity == BLOCK and f.code != "not_supplied"]


PROCESSED_CASES = [
    pytest.param(processed, grams, id=f"{processed} {grams} g × 7 (processed) is not on the list")
    for _raw, _plain, processed, grams in THE_28
    if processed
] + [pytest.param("附子", 9, id="附子 9 g × 7 (ChP processed drug) is not on the 28 list")]


@pytest.mark.parametrize("written,grams", PROCESSED_CASES)
def test_a_processed_name_is_not_a_toxic_28_herb(catalogue, checker, written, grams):
    index, _rules = catalogue
    assert not index.resolve(written).toxic_28
    codes = {f.code for f in checker([(written, grams)])}
    assert "toxic" not in codes and "toxic_dispensed_processed" not in codes


DEFECTS = [
    pytest.param(
        [("半夏", 9)],
        set(),
        {("toxic_dispensed_processed", INFO)},
        id="半夏 9 g × 7 (二陈汤) signs without a block: 法半夏 is dispensed",
    ),
    pytest.param(
        [("生附子", 3)],
        {("toxic", BLOCK), ("toxic", DOUBLE_SIGN)},
        set(),
        id="生附子 3 g × 7 is the raw toxic herb, never the processed 附子 row",
    ),
]


@pytest.mark.parametrize("lines,must_have_blocking,must_have_other", DEFECTS)
def test_the_two_defects_of_issue_16(checker, lines, must_have_blocking, must_have_other):
    found = pairs(checker(lines))
    assert must_have_blocking <= found and must_have_other <= found
    if not must_have_blocking:
        assert not {pair for pair in found if pair[1] == BLOCK}


def test_a_raw_name_never_falls_back_to_a_processed_row(catalogue):
    index, _rules = catalogue
    assert index.resolve("生法半夏") is None
    assert index.resolve("生制川乌") is None
    assert index.resolve("生附子").code == "shengfuzi"
    assert index.resolve("生姜皮").code == "jiangpi"  # 生 is part of this herb's own name


def test_the_dispensed_form_keeps_the_eighteen_incompatibilities(checker):
    found = checker([("乌头", 2), ("半夏", 9)])
    pair = next(f for f in found if f.code == "incompatible_18")
    assert pair.severity == DOUBLE_SIGN and "乌头反半蒌贝蔹及" in pair.message
    assert "乌头" in pair.message and "半夏" in pair.message


WITHDRAWN_CASES = [
    pytest.param("犀角", "水牛角", id="犀角 is no longer supplied (banned 1993): use 水牛角"),
    pytest.param("关木通", "木通", id="关木通 standard revoked (2003): use 木通"),
    pytest.param("广防己", "防己", id="广防己 standard revoked (2004): use 防己"),
    pytest.param("青木香", "土木香", id="青木香 standard revoked (2004): use 土木香"),
]


@pytest.mark.parametrize("written,named", WITHDRAWN_CASES)
def test_withdrawn_names_are_refused_with_the_reason(checker, written, named):
    findings = checker([(written, 6)])
    assert [(f.code, f.severity) for f in findings] == [("withdrawn_herb", BLOCK)]
    assert named in findings[0].message and findings[0].source


AA_CASES = [
    pytest.param("马兜铃", ADULT, 7, DOUBLE_SIGN, id="马兜铃 6 g × 7 adult: nephrotoxic, 双签"),
    pytest.param("天仙藤", ADULT, 7, DOUBLE_SIGN, id="天仙藤 adult: nephrotoxicity named, 双签"),
    pytest.param("寻骨风", ADULT, 7, DOUBLE_SIGN, id="寻骨风 adult: nephrotoxicity named, 双签"),
    pytest.param("朱砂莲", ADULT, 7, DOUBLE_SIGN, id="朱砂莲 adult: nephrotoxicity named, 双签"),
    pytest.param("马兜铃", PatientFacts(age=8), 7, BLOCK, id="马兜铃 for a child of 8 is refused"),
    pytest.param(
        "马兜铃", PatientFacts(age=30, pregnant=True), 7, BLOCK, id="马兜铃 in pregnancy is refused"
    ),
    pytest.param(
        "马兜铃",
        PatientFacts(age=50, kidney_disease=True),
        3,
        BLOCK,
        id="马兜铃 in recorded kidney disease is refused",
    ),
    pytest.param(
        "天仙藤",
        PatientFacts(age=50, kidney_disease=True),
        3,
        BLOCK,
        id="天仙藤 in recorded kidney disease is refused",
    ),
    pytest.param(
        "马兜铃",
        PatientFacts(age=50, kidney_disease=False),
        7,
        DOUBLE_SIGN,
        id="马兜铃 with normal kidneys recorded: still 双签",
    ),
    pytest.param(
        "马兜铃", ADULT, 8, BLOCK, id="马兜铃 beyond the short course (8 packets) is refused"
    ),
    pytest.param("寻骨风", ADULT, 14, BLOCK, id="寻骨风 for 14 packets is refused"),
]


@pytest.mark.parametrize("written,patient,packets,severity", AA_CASES)
def test_aristolochic_acid_herbs(checker, written, patient, packets, severity):
    findings = checker([(written, 6)], packets, patient)
    finding = next(f for f in findings if f.code == "aristolochic_acid")
    assert finding.severity == severity and "肾毒性" in finding.message
    if severity == DOUBLE_SIGN:
        assert "短期" in finding.message and "7剂" in finding.message
    if patient.kidney_disease is True:
        assert "肾功能不全者禁用" in finding.message
    if packets > 7:
        assert f"本处方{packets}剂" in finding.message and "减少剂数" in finding.message


@pytest.mark.parametrize(
    "kidney, said",
    [(None, "未记录肾功能"), (False, "已记录为正常")],
    ids=["kidney function not recorded: the doctor is asked", "recorded normal: said so"],
)
def test_the_aristolochic_finding_says_what_is_known_of_the_kidneys(checker, kidney, said):
    patient = PatientFacts(age=50, kidney_disease=kidney)
    finding = next(f for f in checker([("马兜铃", 6)], 7, patient) if f.code == "aristolochic_acid")
    assert said in finding.message


def test_a_herb_the_pharmacy_does_not_stock_cannot_be_prescribed(checker):
    findings = checker([("穿山甲", 5)])
    assert ("not_supplied", BLOCK) in pairs(findings)
    assert "本院不供应" in next(f.message for f in findings if f.code == "not_supplied")


def test_a_stocked_herb_is_not_flagged_as_unsupplied(checker):
    assert "not_supplied" not in {f.code for f in checker([("甘草", 6)])}


def test_a_dose_below_the_usual_range_is_for_the_doctor_only(checker):
    sijunzi = [("人参", 9), ("白术", 9), ("茯苓", 9), ("炙甘草", 6)]
    findings = checker(sijunzi)
    assert pairs(findings) == {("dose_below_min", INFO)}
    assert for_pharmacist(findings) == []


def test_every_rule_row_of_this_part_carries_its_source():
    document = read_yaml_file("rules.yaml")
    rows = [*document["dispensed_when_unmarked"], *document["withdrawn"]]
    assert rows and all(row.get("source") for row in rows)
    assert document["aristolochic_acid"]["source"]


def test_a_dispensing_row_that_is_not_a_processed_form_is_reported(catalogue):
    index, _rules = catalogue
    wrong = CatalogueIndex(list(index.herbs), {"半夏": "制川乌", "甘草": "炙甘草"})
    assert len(wrong.dispensing_problems) == 2
    assert wrong.resolve("半夏").code == "banxia"  # an unusable row changes nothing
