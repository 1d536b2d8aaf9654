"""The demo's constitution history tells a story a newcomer can follow: 气虚质 three months ago,
基本是平和质 with a 气虚 tendency now, and a care plan for 气虚质."""

from constitution.scoring import score_answers
from constitution.services import demo, scales


def demo_result(changed):
    scale = scales.scale("ccmq")
    answers = {item.code: 2 for item in scale.questions("female")}
    answers.update(changed)
    return score_answers(scale, "female", answers)


def test_the_first_demo_questionnaire_is_qi_deficiency():
    assert demo_result(demo.BEFORE).primary == ["qixu"]


def test_the_second_is_basically_balanced_tending_to_qi_deficiency():
    result = demo_result(demo.AFTER)
    assert result.verdicts["pinghe"] == "basically_yes"
    assert (result.primary, result.tendencies) == (["pinghe"], ["qixu"])
