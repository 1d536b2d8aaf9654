"""Checking the input of `flask constitution score`: who answered (sex, age) and their answers,
either per subscale in the standard's printed order (`{"pinghe": [8 answers], …}`, each answer as
ticked, before any reversal; for 湿热 items 1–5 then the item for the person's sex) or, for a
scale whose questions are numbered as one form (the older people's form), one list in the form's
order. Each problem is a ScoreInputError with a stable code.

Pure: standard library, tcm_app.common and this package.
"""

from collections.abc import Mapping

from tcm_app.common.errors import RuleError
from tcm_app.common.questionnaire import (
    SEXES,
    AnswerError,
    Scale,
    subscale_problem,
    subscale_values,
)

MAX_AGE = 150


class ScoreInputError(RuleError):
    pass


def parse_request(data: object, scale: Scale) -> tuple[str, dict[str, list[int]]]:
    """(sex, each subscale's answers in printed order) from the decoded JSON input."""
    if not isinstance(data, Mapping):
        raise ScoreInputError("bad_input", "the input must be a JSON object")
    sex = data.get("sex")
    if sex not in SEXES:
        raise ScoreInputError("unknown_sex", "sex must be female or male", {"sex": str(sex)})
    age = data.get("age")
    if age is not None and (
        not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= MAX_AGE
    ):
        raise ScoreInputError("bad_age", "age must be a whole number of years", {"age": str(age)})
    answers = data.get("answers")
    if isinstance(answers, list):
        return sex, _form_order(scale, sex, answers)
    if not isinstance(answers, Mapping):
        raise ScoreInputError("missing_answers", "answers must be an object of subscales")
    return sex, _by_subscale(scale, sex, answers)


def _by_subscale(scale: Scale, sex: str, answers: Mapping) -> dict[str, list[int]]:
    known = [subscale.code for subscale in scale.subscales]
    for code in answers:
        if code not in known:
            raise ScoreInputError("unknown_type", f"no type {code}", {"type": str(code)})
    values = {}
    for subscale in scale.subscales:
        if subscale.code not in answers:
            raise ScoreInputError("missing_type", "a type is missing", {"type": subscale.code})
        given = answers[subscale.code]
        problem = subscale_problem(scale, subscale, sex, given)
        if problem == "wrong_length":
            expected = len(scale.asked_items(subscale, sex))
            raise ScoreInputError(
                "wrong_length",
                f"{subscale.code} needs {expected} answers",
                {"type": subscale.code, "expected": expected},
            )
        if problem:
            raise ScoreInputError(
                "bad_answer", "each answer is a whole number 1–5", {"type": subscale.code}
            )
        values[subscale.code] = list(given)
    return values


def _form_order(scale: Scale, sex: str, answers: list) -> dict[str, list[int]]:
    questions = scale.questions(sex)
    if len(answers) != len(questions):
        raise ScoreInputError(
            "wrong_length",
            f"the form needs {len(questions)} answers",
            {"type": scale.code, "expected": len(questions)},
        )
    by_item = dict(zip((item.code for item in questions), answers, strict=True))
    try:
        return subscale_values(scale, sex, by_item)
    except AnswerError as exc:
        raise ScoreInputError(
            "bad_answer", "each answer is a whole number 1–5", {"type": scale.code}
        ) from exc
