"""The questionnaire engine (tcm_app/common/questionnaire.py): a scale's data is refused with
each problem named, answers are checked against what the person is asked."""

import copy

import pytest

from tcm_app.common.questionnaire import (
    AnswerError,
    ScaleError,
    answer_problems,
    parse_scale,
    subscale_values,
)

pytestmark = pytest.mark.pure
CHOICES = [{"value": v, "label": str(v)} for v in (1, 2, 3)]
GOOD = {
    "code": "mini",
    "version": "1",
    "title": "小量表",
    "source": "test",
    "recall": "近一周",
    "choices": CHOICES,
    "items": [
        {"code": "a", "text": "甲？"},
        {"code": "b", "text": "乙？"},
        {"code": "c", "text": "丙？", "sex": "female"},
        {"code": "d", "text": "丁？", "sex": "male"},
    ],
    "subscales": [
        {"code": "s1", "name": "一", "items": ["a", "b"], "reversed": ["b"]},
        {"code": "s2", "name": "二", "items": ["b", "c", "d"]},
    ],
}


def broken(change) -> dict:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


BAD = [
    ("a scale without a source is refused", lambda d: d.pop("source"), "missing_source"),
    ("choices not numbered 1, 2, 3 are refused", lambda d: d["choices"][1].update(value=5),
     "bad_choices"),
    ("a single choice is refused", lambda d: d.update(choices=CHOICES[:1]), "bad_choices"),
    ("an item code used twice is refused", lambda d: d["items"][1].update(code="a"),
     "item_a_twice"),
    ("an item for an unknown sex is refused", lambda d: d["items"][2].update(sex="f"),
     "item_c_bad_sex"),
    ("an item without text is refused", lambda d: d["items"][0].pop("text"),
     "item_1_incomplete"),
    ("a subscale naming an unknown item is refused",
     lambda d: d["subscales"][0]["items"].append("z"), "subscale_s1_unknown_items"),
    ("reversing an item the subscale lacks is refused",
     lambda d: d["subscales"][0]["reversed"].append("c"), "subscale_s1_reverses_items_it_lacks"),
    ("an item in no subscale is refused", lambda d: d["subscales"][1]["items"].remove("d"),
     "items_in_no_subscale"),
    ("a subscale listing an item twice is refused",
     lambda d: d["subscales"][1]["items"].append("b"), "subscale_s2_bad_items"),
    ("a negative minimum age is refused", lambda d: d.update(min_age=-1), "bad_min_age"),
]  # fmt: skip


@pytest.mark.parametrize("change, problem", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_scale_data_is_refused_naming_the_problem(change, problem):
    with pytest.raises(ScaleError) as refused:
        parse_scale(broken(change))
    assert problem in refused.value.params["problems"]


def test_a_good_scale_asks_each_sex_its_own_items():
    scale = parse_scale(GOOD)
    assert [item.code for item in scale.questions("female")] == ["a", "b", "c"]
    assert [item.code for item in scale.questions("male")] == ["a", "b", "d"]
    assert scale.asked_items(scale.subscale("s2"), "male") == ("b", "d")


ANSWERS = [
    ("an unanswered question is missing", {"a": 1, "b": 2}, {"c": "missing"}),
    ("an answer beyond the choices is out of range", {"a": 4, "b": 2, "c": 1},
     {"a": "out_of_range"}),
    ("a text answer is out of range", {"a": "1", "b": 2, "c": 1}, {"a": "out_of_range"}),
    ("true is not an answer", {"a": True, "b": 2, "c": 1}, {"a": "out_of_range"}),
    ("answering the other sex's item is refused", {"a": 1, "b": 2, "c": 1, "d": 1},
     {"d": "not_asked"}),
    ("an unknown item is refused", {"a": 1, "b": 2, "c": 1, "x": 1}, {"x": "unknown_item"}),
    ("complete answers have no problem", {"a": 1, "b": 2, "c": 3}, {}),
]  # fmt: skip


@pytest.mark.parametrize("answers, problems", [a[1:] for a in ANSWERS], ids=[a[0] for a in ANSWERS])
def test_answer_problems_name_each_item(answers, problems):
    assert answer_problems(parse_scale(GOOD), "female", answers) == problems


def test_an_unknown_sex_is_refused():
    with pytest.raises(AnswerError) as refused:
        answer_problems(parse_scale(GOOD), "unknown", {})
    assert refused.value.code == "unknown_sex"


def test_subscale_values_keep_printed_order_and_repeat_shared_items():
    values = subscale_values(parse_scale(GOOD), "male", {"a": 1, "b": 2, "d": 3})
    assert values == {"s1": [1, 2], "s2": [2, 3]}
