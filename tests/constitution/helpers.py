"""Answers for the constitution scales built from the scores a test wants."""

from constitution.services.scales import scale
from tcm_app.common.questionnaire import Scale


def uniform_answers(chosen: Scale, sex: str, value: int) -> dict[str, int]:
    return {item.code: value for item in chosen.questions(sex)}


def subscale_lists(chosen: Scale, sex: str, **given: list[int]) -> dict[str, list[int]]:
    """Per-subscale lists in printed order: the given ones, every other subscale answered 1
    (否 for a biased type; the balanced type's reversed items answered 1 count as 5)."""
    return {
        sub.code: given.get(sub.code, [1] * len(chosen.asked_items(sub, sex)))
        for sub in chosen.subscales
    }


def ccmq() -> Scale:
    return scale("ccmq")


def elderly() -> Scale:
    return scale("elderly")
