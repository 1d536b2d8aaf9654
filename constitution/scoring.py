"""Constitution verdicts (体质判定) from a scale's answers, as 《中医体质分类与判定》
(ZYYXH/T157-2009) and the primary-care form for older people define them.

- 转化分 (the standard's scale, `score: transformed`) = (原始分 − 条目数) / (条目数 × 4) × 100;
  the older people's form (`score: sum`) judges the 原始分 itself.
- A biased type (偏颇体质) is 是 at ≥ yes_min, 倾向是 at ≥ tendency_min, else 否.
- The balanced type (平和质) is 是 at ≥ balanced_min with every other type below tendency_min (all
  否), 基本是 at ≥ balanced_min with every other below yes_min (at most 倾向是), else 否.
The thresholds are the scale file's `scoring` numbers (60/40/30 for the standard, 17/11/9 for
the form). Scores are exact fractions, so a threshold is never missed by rounding; they are
shown rounded.

The result names the constitution a person is (`primary`: the balanced type when it is 是 or
基本是, else each biased type that is 是, highest first) and their tendencies (the biased types
that are 倾向是, highest first). Software scores; the doctor confirms.

Pure: standard library, tcm_app.common and this package.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from tcm_app.common.errors import RuleError
from tcm_app.common.questionnaire import Scale, raw_score, subscale_values

SCORE_KINDS = ("transformed", "sum")
THRESHOLDS = ("balanced_min", "yes_min", "tendency_min")
YES, BASICALLY_YES, TENDENCY, NO = "yes", "basically_yes", "tendency", "no"


class ScoringRuleError(RuleError):
    """A scale's `scoring` parameters are unusable."""


@dataclass(frozen=True)
class Rules:
    score: str
    balanced: str
    balanced_min: int
    yes_min: int
    tendency_min: int


_RULES: dict[tuple[str, str], Rules] = {}


def rules_of(scale: Scale) -> Rules:
    """The verdict rules a scale's data names; ScoringRuleError when they do not make sense.
    Checked once per scale and version (scoring runs for every submission)."""
    key = (scale.code, scale.version)
    if key not in _RULES:
        _RULES[key] = _checked_rules(scale)
    return _RULES[key]


def _checked_rules(scale: Scale) -> Rules:
    scoring = scale.scoring
    if scoring.get("score") not in SCORE_KINDS:
        raise ScoringRuleError("bad_score_kind", f"scale {scale.code}: score must be {SCORE_KINDS}")
    if scoring.get("balanced") not in {subscale.code for subscale in scale.subscales}:
        raise ScoringRuleError("bad_balanced", f"scale {scale.code}: balanced names no subscale")
    balanced_min, yes_min, tendency_min = (_threshold(scale, name) for name in THRESHOLDS)
    if not tendency_min < yes_min:
        raise ScoringRuleError("bad_threshold", f"scale {scale.code}: tendency_min < yes_min")
    return Rules(
        str(scoring["score"]), str(scoring["balanced"]), balanced_min, yes_min, tendency_min
    )


def _threshold(scale: Scale, name: str) -> int:
    value = scale.scoring.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ScoringRuleError("bad_threshold", f"scale {scale.code}: {name} must be > 0")
    return value


def transformed(raw: int, count: int) -> Fraction:
    """转化分 = (原始分 − 条目数) / (条目数 × 4) × 100."""
    return Fraction(100 * (raw - count), count * 4)


@dataclass(frozen=True)
class Result:
    scores: dict[str, Fraction]
    verdicts: dict[str, str]
    primary: list[str]
    tendencies: list[str]

    def to_dict(self) -> dict:
        """The JSON form (`flask constitution score`, the API): scores as numbers."""
        return {
            "scores": {code: _number(score) for code, score in self.scores.items()},
            "verdicts": dict(self.verdicts),
            "primary": list(self.primary),
            "tendencies": list(self.tendencies),
        }


def _number(score: Fraction) -> int | float:
    return int(score) if score.denominator == 1 else float(score)


def score_answers(scale: Scale, sex: str, answers: Mapping[str, int]) -> Result:
    """The verdicts from answers keyed by item code (what the pages collect); AnswerError when
    one is missing or unusable."""
    return score_subscales(scale, sex, subscale_values(scale, sex, answers))


def score_subscales(scale: Scale, sex: str, values: Mapping[str, list[int]]) -> Result:
    """The verdicts from each subscale's answers in its printed order (checked by the caller)."""
    rules = rules_of(scale)
    scores = {}
    for subscale in scale.subscales:
        raw = raw_score(scale, subscale, sex, values[subscale.code])
        count = len(scale.asked_items(subscale, sex))
        scores[subscale.code] = (
            transformed(raw, count) if rules.score == "transformed" else Fraction(raw)
        )
    return judge(rules, scores)


def judge(rules: Rules, scores: Mapping[str, Fraction]) -> Result:
    """Each type's verdict, the constitution named and the tendencies, from the scores."""
    others = {code: score for code, score in scores.items() if code != rules.balanced}
    verdicts = {rules.balanced: _balanced_verdict(rules, scores[rules.balanced], others)}
    for code, score in others.items():
        verdicts[code] = _biased_verdict(rules, score)
    order = {code: index for index, code in enumerate(scores)}

    def highest_first(codes: list[str]) -> list[str]:
        # Floats only order the names; every verdict above compared the exact fractions.
        return sorted(codes, key=lambda code: (-float(scores[code]), order[code]))

    if verdicts[rules.balanced] != NO:
        primary = [rules.balanced]
    else:
        primary = highest_first([code for code in others if verdicts[code] == YES])
    tendencies = highest_first([code for code in others if verdicts[code] == TENDENCY])
    return Result(dict(scores), verdicts, primary, tendencies)


def _at_least(score: Fraction, threshold: int) -> bool:
    """score ≥ threshold, exactly, in whole numbers (Fraction's own comparison is slower)."""
    return score.numerator >= threshold * score.denominator


def _balanced_verdict(rules: Rules, score: Fraction, others: Mapping[str, Fraction]) -> str:
    if not _at_least(score, rules.balanced_min):
        return NO
    if not any(_at_least(other, rules.tendency_min) for other in others.values()):
        return YES
    if not any(_at_least(other, rules.yes_min) for other in others.values()):
        return BASICALLY_YES
    return NO


def _biased_verdict(rules: Rules, score: Fraction) -> str:
    if _at_least(score, rules.yes_min):
        return YES
    if _at_least(score, rules.tendency_min):
        return TENDENCY
    return NO
