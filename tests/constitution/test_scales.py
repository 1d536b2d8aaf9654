"""The shipped scales as the sources print them: the standard's 60 questions in nine subscales
of 8/8/7/8/8/7/7/7/7 printed items, six balanced items reversed, the damp-heat item by sex; the
older people's form's 33 questions, four per biased type and five balanced."""

import pytest

from constitution.scoring import rules_of
from tests.constitution.helpers import ccmq, elderly

pytestmark = pytest.mark.pure
CCMQ_SIZES = {
    "pinghe": 8, "qixu": 8, "yangxu": 7, "yinxu": 8, "tanshi": 8,
    "shire": 7, "xueyu": 7, "qiyu": 7, "tebing": 7,
}  # fmt: skip


def test_the_standard_prints_67_items_and_asks_each_person_60():
    scale = ccmq()
    assert {sub.code: len(sub.items) for sub in scale.subscales} == CCMQ_SIZES
    assert sum(CCMQ_SIZES.values()) == 67
    assert len(scale.questions("female")) == len(scale.questions("male")) == 60


def test_the_standard_reverses_balanced_items_2_3_4_5_7_8():
    pinghe = ccmq().subscale("pinghe")
    reversed_positions = [n for n, code in enumerate(pinghe.items, 1) if code in pinghe.reversed]
    assert reversed_positions == [2, 3, 4, 5, 7, 8]


@pytest.mark.parametrize(
    "balanced_item, shared_with",
    [(2, "qixu_1"), (3, "qixu_7"), (4, "qiyu_1"), (5, "yangxu_4"), (8, "xueyu_6")],
    ids=[
        "balanced (2) tires easily is qi deficiency (1)",
        "balanced (3) weak voice is qi deficiency (7)",
        "balanced (4) gloomy is qi stagnation (1)",
        "balanced (5) bears cold badly is yang deficiency (4)",
        "balanced (8) forgetful is blood stasis (6)",
    ],
)
def test_shared_balanced_items_are_asked_once(balanced_item, shared_with):
    assert ccmq().subscale("pinghe").items[balanced_item - 1] == shared_with


def test_catching_colds_is_asked_once_for_qi_and_yang_deficiency():
    assert ccmq().subscale("qixu").items[4] == ccmq().subscale("yangxu").items[4] == "yangxu_5"


def test_the_standard_thresholds_are_60_40_30():
    rules = rules_of(ccmq())
    assert (rules.score, rules.balanced_min, rules.yes_min, rules.tendency_min) == (
        "transformed", 60, 40, 30,
    )  # fmt: skip


ELDERLY_ITEMS = {
    "pinghe": [1, 2, 4, 5, 13], "qixu": [2, 3, 4, 14], "yangxu": [11, 12, 13, 29],
    "yinxu": [10, 21, 26, 31], "tanshi": [9, 16, 28, 32], "shire": [23, 25, 27, 30],
    "xueyu": [19, 22, 24, 33], "qiyu": [5, 6, 7, 8], "tebing": [15, 17, 18, 20],
}  # fmt: skip


def test_the_older_peoples_form_groups_its_33_questions_as_the_judgement_table():
    scale = elderly()
    assert len(scale.questions("male")) == len(scale.questions("female")) == 33
    assert {
        sub.code: [int(code[1:]) for code in sub.items] for sub in scale.subscales
    } == ELDERLY_ITEMS
    assert sorted(int(code[1:]) for code in scale.subscale("pinghe").reversed) == [2, 4, 5, 13]
    rules = rules_of(scale)
    assert (rules.score, rules.balanced_min, rules.yes_min, rules.tendency_min) == (
        "sum", 17, 11, 9,
    )  # fmt: skip


def test_the_older_peoples_form_is_for_65_and_over():
    assert not elderly().applies_to(64) and elderly().applies_to(65)
    assert ccmq().applies_to(30) and ccmq().applies_to(80)


@pytest.mark.parametrize(
    "code, first_choice", [("q09", "BMI＜24"), ("q14", "一年＜2次"), ("q17", "从来没有")]
)
def test_older_form_items_with_their_own_answers_keep_them(code, first_choice):
    assert elderly().item(code).choices[0].label == first_choice
    assert len(elderly().item(code).choices) == 5


def test_every_question_has_chinese_and_english_text():
    for scale in (ccmq(), elderly()):
        for item in scale.items:
            assert item.text.endswith(("？", "）", "]")), item.code
            assert item.text_en and item.text_en != item.text, item.code
