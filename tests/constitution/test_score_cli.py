"""`flask constitution score`: the JSON the issue defines in, scores and verdicts out; each kind
of bad input prints {"error": {"code", "message"}} in Chinese and exits non-zero."""

import json

import pytest

ANSWERS = {
    "pinghe": [4, 2, 2, 2, 2, 4, 2, 2], "qixu": [5, 5, 5, 3, 2, 2, 2, 2],
    "yangxu": [1] * 7, "yinxu": [1] * 8, "tanshi": [1] * 8, "shire": [1] * 6,
    "xueyu": [1] * 7, "qiyu": [1] * 7, "tebing": [1] * 7,
}  # fmt: skip
REQUEST = {"sex": "female", "age": 40, "answers": ANSWERS}


def score(runner, body, *args):
    text = body if isinstance(body, str) else json.dumps(body)
    return runner.invoke(args=["constitution", "score", *args], input=text)


def test_score_prints_scores_verdicts_primary_and_tendencies(runner):
    result = score(runner, REQUEST)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["scores"]["pinghe"] == 75
    assert printed["scores"]["qixu"] == pytest.approx(56.25)
    assert printed["verdicts"]["pinghe"] == "no" and printed["verdicts"]["qixu"] == "yes"
    assert set(printed["verdicts"]) == set(ANSWERS)
    assert (printed["primary"], printed["tendencies"]) == (["qixu"], [])


def test_the_older_peoples_form_takes_its_33_answers_in_order(runner):
    answers = [5] + [1] * 32
    result = score(runner, {"sex": "male", "age": 70, "answers": answers}, "--scale", "elderly")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["scores"]["pinghe"] == 25 and printed["verdicts"]["pinghe"] == "yes"


def with_answers(**changed) -> dict:
    return {**REQUEST, "answers": {**ANSWERS, **changed}}


BAD = [
    ("an answer of 6 is refused", with_answers(qixu=[6, 1, 1, 1, 1, 1, 1, 1]), "bad_answer"),
    ("an answer of 0 is refused", with_answers(tebing=[0] * 7), "bad_answer"),
    ("a text answer is refused", with_answers(qiyu=["3"] * 7), "bad_answer"),
    ("a short subscale is refused", with_answers(yinxu=[1] * 7), "wrong_length"),
    ("seven damp-heat answers are refused", with_answers(shire=[1] * 7), "wrong_length"),
    ("a missing type is refused", {**REQUEST, "answers": {
        k: v for k, v in ANSWERS.items() if k != "xueyu"}}, "missing_type"),
    ("an unknown type is refused", with_answers(xuexu=[1]), "unknown_type"),
    ("an unknown sex is refused", {**REQUEST, "sex": "other"}, "unknown_sex"),
    ("a missing sex is refused", {"age": 40, "answers": ANSWERS}, "unknown_sex"),
    ("a negative age is refused", {**REQUEST, "age": -1}, "bad_age"),
    ("answers that are not an object are refused", {**REQUEST, "answers": 3}, "missing_answers"),
    ("a JSON list is refused", [REQUEST], "bad_input"),
    ("text that is not JSON is refused", "{sex: female", "invalid_json"),
]  # fmt: skip


@pytest.mark.parametrize("body, code", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_prints_an_error_in_chinese_and_exits_non_zero(runner, body, code):
    result = score(runner, body)
    assert result.exit_code != 0
    error = json.loads(result.output)["error"]
    assert error["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error["message"]
