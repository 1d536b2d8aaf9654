"""Constitution verdicts (constitution/scoring.py) as 《中医体质分类与判定》 ZYYXH/T157-2009 and
the primary-care form for older people define them: 转化分, each threshold, the balanced type's
two conditions, the standard's two worked examples, reverse scoring and the sex-specific item."""

from fractions import Fraction

import pytest

from constitution.scoring import judge, rules_of, score_answers, score_subscales, transformed
from tests.constitution.helpers import ccmq, elderly, subscale_lists, uniform_answers

pytestmark = pytest.mark.pure
TYPES = ("pinghe", "qixu", "yangxu", "yinxu", "tanshi", "shire", "xueyu", "qiyu", "tebing")


def scores(**given) -> dict[str, Fraction]:
    """The nine scores: the given ones, every other type at 0 (平和 at 0 unless given)."""
    return {code: Fraction(given.get(code, 0)) for code in TYPES}


@pytest.mark.parametrize(
    "raw, count, expected",
    [(8, 8, 0), (40, 8, 100), (32, 8, 75), (26, 8, Fraction(225, 4)), (7, 7, 0), (30, 6, 100)],
    ids=[
        "all 'never' on 8 items is 0",
        "all 'always' on 8 items is 100",
        "raw 32 of 8 items is 75",
        "raw 26 of 8 items is 56.25",
        "raw 7 of 7 items is 0",
        "raw 30 of the 6 damp-heat items a person answers is 100",
    ],
)
def test_transformed_score_is_raw_minus_items_over_items_times_four(raw, count, expected):
    assert transformed(raw, count) == expected


BIASED = [
    ("a biased type at 40 is yes", 40, "yes"),
    ("a biased type at 39.99 is a tendency", Fraction(3999, 100), "tendency"),
    ("a biased type at 30 is a tendency", 30, "tendency"),
    ("a biased type at 29.99 is no", Fraction(2999, 100), "no"),
    ("a biased type at 100 is yes", 100, "yes"),
    ("a biased type at 0 is no", 0, "no"),
]


@pytest.mark.parametrize("score, verdict", [b[1:] for b in BIASED], ids=[b[0] for b in BIASED])
def test_biased_type_thresholds(score, verdict):
    result = judge(rules_of(ccmq()), scores(pinghe=80, qixu=score))
    assert result.verdicts["qixu"] == verdict


BALANCED = [
    ("balanced at 60 with every other below 30 is yes", 60, 29.99, "yes"),
    ("balanced at 60 with another at 30 is basically yes", 60, 30, "basically_yes"),
    ("balanced at 60 with another at 39.99 is basically yes", 60, 39.99, "basically_yes"),
    ("balanced at 60 with another at 40 is no", 60, 40, "no"),
    ("balanced at 59.99 with every other at 0 is no", 59.99, 0, "no"),
    ("balanced at 100 with every other at 0 is yes", 100, 0, "yes"),
]


@pytest.mark.parametrize(
    "balanced, other, verdict", [b[1:] for b in BALANCED], ids=[b[0] for b in BALANCED]
)
def test_balanced_type_needs_its_score_and_every_other_low(balanced, other, verdict):
    given = scores(pinghe=Fraction(str(balanced)), tebing=Fraction(str(other)))
    assert judge(rules_of(ccmq()), given).verdicts["pinghe"] == verdict


def test_worked_example_one_balanced_75_qi_deficiency_56_is_qi_deficiency():
    """The standard: 平和质 75, 气虚质 56 → not 平和质 though ≥ 60; 是气虚质."""
    values = subscale_lists(
        ccmq(), "female", pinghe=[4, 2, 2, 2, 2, 4, 2, 2], qixu=[5, 5, 5, 3, 2, 2, 2, 2]
    )
    result = score_subscales(ccmq(), "female", values)
    assert (result.scores["pinghe"], result.scores["qixu"]) == (75, Fraction(225, 4))
    assert result.verdicts["pinghe"] == "no"
    assert result.verdicts["qixu"] == "yes"
    assert (result.primary, result.tendencies) == (["qixu"], [])


def test_worked_example_two_balanced_75_phlegm_damp_32_is_basically_balanced_tending_to_it():
    """The standard: 平和质 75, 痰湿质 32, others < 30 → 基本是平和质，有痰湿质倾向."""
    values = subscale_lists(
        ccmq(), "male", pinghe=[4, 2, 2, 2, 2, 4, 2, 2], tanshi=[3, 3, 3, 3, 2, 2, 1, 1]
    )
    result = score_subscales(ccmq(), "male", values)
    assert (result.scores["pinghe"], result.scores["tanshi"]) == (75, Fraction(125, 4))
    assert result.verdicts["pinghe"] == "basically_yes"
    assert result.verdicts["tanshi"] == "tendency"
    assert (result.primary, result.tendencies) == (["pinghe"], ["tanshi"])


def test_several_biased_types_are_named_highest_first():
    result = judge(rules_of(ccmq()), scores(pinghe=20, yinxu=45, qixu=60, qiyu=35, tebing=31))
    assert result.primary == ["qixu", "yinxu"]
    assert result.tendencies == ["qiyu", "tebing"]


def test_a_person_matching_no_type_gets_no_primary():
    result = judge(rules_of(ccmq()), scores(pinghe=50, qixu=20))
    assert (result.primary, result.tendencies) == ([], [])


@pytest.mark.parametrize(
    "given, expected",
    [(1, 100), (5, 0), (3, 50)],
    ids=[
        "answering 'never' to every balanced item scores 100 (six items reversed)",
        "answering 'always' to every balanced item scores 0",
        "answering 'sometimes' throughout scores 50",
    ],
)
def test_balanced_items_two_to_five_seven_and_eight_are_reverse_scored(given, expected):
    # Items (1) and (6) are positive: a 'never' there counts 1, an 'always' 5; so all 1s give
    # 1+5+5+5+5+1+5+5 = 32 → 75, not 100. Hence the positive items answered opposite.
    positive = {1: 5, 5: 1, 3: 3}[given]
    pinghe = [positive, given, given, given, given, positive, given, given]
    result = score_subscales(ccmq(), "female", subscale_lists(ccmq(), "female", pinghe=pinghe))
    assert result.scores["pinghe"] == expected


def test_a_shared_item_is_asked_once_and_counts_in_both_subscales():
    """'您容易疲乏吗' is 气虚 (1) and 平和 (2, reversed): answered 'always' once, it raises 气虚
    and lowers 平和."""
    answers = uniform_answers(ccmq(), "female", 1)
    answers["qixu_1"] = 5
    result = score_answers(ccmq(), "female", answers)
    assert result.scores["qixu"] == Fraction(4, 32) * 100
    # 平和: 1+5+5+5+5+1+5+5 = 32 (75) with 'never' tired; 'always' tired counts 1: 28 (62.5)
    assert result.scores["pinghe"] == Fraction(28 - 8, 32) * 100


@pytest.mark.parametrize(
    "sex, asked, not_asked",
    [("female", "shire_6", "shire_7"), ("male", "shire_7", "shire_6")],
    ids=["a woman answers the discharge item", "a man answers the scrotum item"],
)
def test_damp_heat_asks_the_item_for_the_persons_sex(sex, asked, not_asked):
    questions = {item.code for item in ccmq().questions(sex)}
    assert asked in questions and not_asked not in questions
    answers = uniform_answers(ccmq(), sex, 1)
    answers[asked] = 5
    assert score_answers(ccmq(), sex, answers).scores["shire"] == Fraction(4, 24) * 100


ELDERLY_BIASED = [
    ("older form: a type summing 11 is yes", 11, "yes"),
    ("older form: a type summing 10 is a tendency", 10, "tendency"),
    ("older form: a type summing 9 is a tendency", 9, "tendency"),
    ("older form: a type summing 8 is no", 8, "no"),
]


@pytest.mark.parametrize(
    "total, verdict", [b[1:] for b in ELDERLY_BIASED], ids=[b[0] for b in ELDERLY_BIASED]
)
def test_elderly_form_judges_sums(total, verdict):
    assert judge(rules_of(elderly()), scores(pinghe=20, qiyu=total)).verdicts["qiyu"] == verdict


ELDERLY_BALANCED = [
    ("older form: balanced 17 with every other ≤ 8 is yes", 17, 8, "yes"),
    ("older form: balanced 17 with another at 9 is basically yes", 17, 9, "basically_yes"),
    ("older form: balanced 17 with another at 10 is basically yes", 17, 10, "basically_yes"),
    ("older form: balanced 17 with another at 11 is no", 17, 11, "no"),
    ("older form: balanced 16 is no", 16, 4, "no"),
]


@pytest.mark.parametrize(
    "balanced, other, verdict",
    [b[1:] for b in ELDERLY_BALANCED],
    ids=[b[0] for b in ELDERLY_BALANCED],
)
def test_elderly_form_balanced_type(balanced, other, verdict):
    given = scores(pinghe=balanced, **{code: 4 for code in TYPES[1:]})
    given["xueyu"] = Fraction(other)
    assert judge(rules_of(elderly()), given).verdicts["pinghe"] == verdict


def test_elderly_form_reverses_items_2_4_5_13_of_the_balanced_type():
    answers = uniform_answers(elderly(), "male", 1)  # 'never' tired, weak, low, cold
    answers["q01"] = 5  # full of energy
    result = score_answers(elderly(), "male", answers)
    assert result.scores["pinghe"] == 25
    assert result.verdicts["pinghe"] == "yes"
    assert result.to_dict()["scores"]["qixu"] == 4


def test_scores_print_as_numbers():
    values = subscale_lists(ccmq(), "female", qixu=[2, 2, 2, 2, 2, 2, 2, 3])
    printed = score_subscales(ccmq(), "female", values).to_dict()
    assert printed["scores"]["qixu"] == pytest.approx(28.125)
    assert isinstance(printed["scores"]["yinxu"], int)
