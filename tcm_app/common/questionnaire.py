"""Questionnaires as data: a scale's questions, answer choices and subscales, validated from a
plain mapping (a data file's contents), and a person's answers checked and gathered per subscale.
Any domain builds on it (the constitution scale now, follow-up questionnaires next); what a
subscale's sum means (a verdict, an alert) belongs to the domain that owns the scale.

Answers are kept as the person gave them (1 = the first choice); a reverse-scored item is turned
round only when a subscale is summed, so a stored answer always reads as what was ticked.

Pure: standard library and tcm_app.common only.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from tcm_app.common.errors import RuleError

SEXES = ("female", "male")
REQUIRED_TEXT = ("code", "version", "title", "source", "recall")


class ScaleError(RuleError):
    """A scale's data is unusable; `params["problems"]` lists each problem."""


class AnswerError(RuleError):
    """Answers that cannot be scored: an unknown sex, or `params["items"]` maps each item code to
    its problem (missing, out_of_range, not_asked, unknown_item)."""


@dataclass(frozen=True)
class Choice:
    value: int
    label: str
    label_en: str


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    text_en: str
    choices: tuple[Choice, ...]
    sex: str | None = None  # asked of this sex only
    values: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", frozenset(choice.value for choice in self.choices))

    def asked_of(self, sex: str) -> bool:
        return self.sex is None or self.sex == sex


@dataclass(frozen=True)
class Subscale:
    code: str
    name: str
    name_en: str
    letter: str
    items: tuple[str, ...]  # the printed order
    reversed: frozenset[str]


@dataclass(frozen=True)
class Scale:
    code: str
    version: str
    title: str
    title_en: str
    source: str
    recall: str
    recall_en: str
    min_age: int | None
    items: tuple[Item, ...]  # the order the questions are asked
    subscales: tuple[Subscale, ...]
    scoring: Mapping[str, object]
    # Built once: scoring looks items up for every answer (≤ 50 µs an assessment, make bench).
    _by_code: dict[str, Item] = field(init=False, repr=False, compare=False)
    _asked: dict[tuple[str, str], tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _questions: dict[str, tuple[Item, ...]] = field(init=False, repr=False, compare=False)
    # (subscale, sex) → per asked item, the sum that turns its answer round (0: not reversed)
    _flips: dict[tuple[str, str], tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code = {item.code: item for item in self.items}
        object.__setattr__(self, "_by_code", by_code)
        asked = {
            (subscale.code, sex): tuple(
                code for code in subscale.items if by_code[code].asked_of(sex)
            )
            for subscale in self.subscales
            for sex in SEXES
        }
        object.__setattr__(self, "_asked", asked)
        questions = {sex: tuple(item for item in self.items if item.asked_of(sex)) for sex in SEXES}
        object.__setattr__(self, "_questions", questions)
        flips = {
            (subscale.code, sex): tuple(
                len(by_code[code].choices) + 1 if code in subscale.reversed else 0
                for code in asked[(subscale.code, sex)]
            )
            for subscale in self.subscales
            for sex in SEXES
        }
        object.__setattr__(self, "_flips", flips)

    def item(self, code: str) -> Item:
        return self._by_code[code]

    def has_item(self, code: str) -> bool:
        return code in self._by_code

    def questions(self, sex: str) -> tuple[Item, ...]:
        """What a person of `sex` is asked, in order."""
        return self._questions[sex]

    def subscale(self, code: str) -> Subscale:
        return next(subscale for subscale in self.subscales if subscale.code == code)

    def asked_items(self, subscale: Subscale, sex: str) -> tuple[str, ...]:
        """A subscale's items a person of `sex` answers, in the printed order."""
        return self._asked[(subscale.code, sex)]

    def flips(self, subscale: Subscale, sex: str) -> tuple[int, ...]:
        """Per asked item of the subscale: 0, or the sum a reversed answer is taken from (6 on a
        five-point item: 1↔5, 2↔4)."""
        return self._flips[(subscale.code, sex)]

    def applies_to(self, age: int) -> bool:
        return self.min_age is None or age >= self.min_age


def parse_scale(data: object) -> Scale:
    """A validated scale from a data file's mapping; ScaleError lists every problem."""
    problems = scale_problems(data)
    if problems:
        code = data.get("code") if isinstance(data, Mapping) else None
        raise ScaleError(
            "bad_scale", f"scale {code!r}: {', '.join(problems)}", {"problems": problems}
        )
    assert isinstance(data, Mapping)
    default_choices = _choices(data["choices"])
    return Scale(
        code=str(data["code"]),
        version=str(data["version"]),
        title=str(data["title"]),
        title_en=str(data.get("title_en") or data["title"]),
        source=str(data["source"]),
        recall=str(data["recall"]),
        recall_en=str(data.get("recall_en") or data["recall"]),
        min_age=data.get("min_age"),
        items=tuple(_item(row, default_choices) for row in data["items"]),
        subscales=tuple(_subscale(row) for row in data["subscales"]),
        scoring=MappingProxyType(dict(data.get("scoring") or {})),
    )


def _choices(rows) -> tuple[Choice, ...]:
    return tuple(
        Choice(int(row["value"]), str(row["label"]), str(row.get("label_en") or row["label"]))
        for row in rows
    )


def _item(row: Mapping, default_choices: tuple[Choice, ...]) -> Item:
    return Item(
        code=str(row["code"]),
        text=str(row["text"]),
        text_en=str(row.get("text_en") or row["text"]),
        choices=_choices(row["choices"]) if row.get("choices") else default_choices,
        sex=row.get("sex"),
    )


def _subscale(row: Mapping) -> Subscale:
    return Subscale(
        code=str(row["code"]),
        name=str(row["name"]),
        name_en=str(row.get("name_en") or row["name"]),
        letter=str(row.get("letter") or ""),
        items=tuple(row["items"]),
        reversed=frozenset(row.get("reversed") or ()),
    )


def scale_problems(data: object) -> list[str]:
    """Stable codes for what is wrong with a scale's data; empty when it is usable."""
    if not isinstance(data, Mapping):
        return ["not_a_mapping"]
    problems = [f"missing_{key}" for key in REQUIRED_TEXT if not data.get(key)]
    min_age = data.get("min_age")
    if min_age is not None and (not _is_int(min_age) or not 0 <= min_age <= 150):
        problems.append("bad_min_age")
    if not _choices_usable(data.get("choices")):
        problems.append("bad_choices")
    problems += _item_problems(data.get("items"))
    item_codes = _item_codes(data.get("items"))
    problems += _subscale_problems(data.get("subscales"), item_codes)
    return problems


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _choices_usable(rows: object) -> bool:
    """Choices numbered 1, 2, … in order, each with a label."""
    if not isinstance(rows, list) or len(rows) < 2:
        return False
    if not all(isinstance(row, Mapping) and row.get("label") for row in rows):
        return False
    return [row.get("value") for row in rows] == list(range(1, len(rows) + 1))


def _item_codes(rows: object) -> set[str]:
    if not isinstance(rows, list):
        return set()
    return {str(row["code"]) for row in rows if isinstance(row, Mapping) and row.get("code")}


def _item_problems(rows: object) -> list[str]:
    if not isinstance(rows, list) or not rows:
        return ["missing_items"]
    problems = []
    seen: set[str] = set()
    for number, row in enumerate(rows, 1):
        if not isinstance(row, Mapping) or not row.get("code") or not row.get("text"):
            problems.append(f"item_{number}_incomplete")
            continue
        code = str(row["code"])
        if code in seen:
            problems.append(f"item_{code}_twice")
        seen.add(code)
        if row.get("sex") is not None and row["sex"] not in SEXES:
            problems.append(f"item_{code}_bad_sex")
        if row.get("choices") is not None and not _choices_usable(row["choices"]):
            problems.append(f"item_{code}_bad_choices")
    return problems


def _subscale_problems(rows: object, item_codes: set[str]) -> list[str]:
    if not isinstance(rows, list) or not rows:
        return ["missing_subscales"]
    problems = []
    used: set[str] = set()
    codes: set[str] = set()
    for number, row in enumerate(rows, 1):
        if not isinstance(row, Mapping) or not row.get("code") or not row.get("name"):
            problems.append(f"subscale_{number}_incomplete")
            continue
        code, items = str(row["code"]), row.get("items")
        if code in codes:
            problems.append(f"subscale_{code}_twice")
        codes.add(code)
        if not isinstance(items, list) or not items or len(set(items)) != len(items):
            problems.append(f"subscale_{code}_bad_items")
            continue
        if set(items) - item_codes:
            problems.append(f"subscale_{code}_unknown_items")
        if set(row.get("reversed") or ()) - set(items):
            problems.append(f"subscale_{code}_reverses_items_it_lacks")
        used.update(items)
    if item_codes - used:
        problems.append("items_in_no_subscale")
    return problems


def answer_problems(scale: Scale, sex: str, answers: Mapping[str, object]) -> dict[str, str]:
    """Item code → problem for each question of `scale` a person of `sex` has not answered
    usably, and for each answer to a question they are not asked; empty when all is well."""
    _require_sex(sex)
    problems = {}
    for item in scale.questions(sex):
        value = answers.get(item.code)
        if value is None:
            problems[item.code] = "missing"
        elif type(value) is not int or value not in item.values:  # not a bool, not a "3"
            problems[item.code] = "out_of_range"
    if len(answers) + len(problems) != len(scale.questions(sex)) or problems:
        asked = {item.code for item in scale.questions(sex)}
        for code in answers:
            if code not in asked:
                problems[code] = "not_asked" if scale.has_item(code) else "unknown_item"
    return problems


def _require_sex(sex: str) -> None:
    if sex not in SEXES:
        raise AnswerError("unknown_sex", f"sex must be one of {', '.join(SEXES)}")


def subscale_values(scale: Scale, sex: str, answers: Mapping[str, int]) -> dict[str, list[int]]:
    """Each subscale's answers as given, in its printed order (shared items repeated): the
    form the standard's scoring sheet and `flask constitution score` use. AnswerError when an
    answer is missing or unusable."""
    problems = answer_problems(scale, sex, answers)
    if problems:
        raise AnswerError("bad_answers", "answers are missing or unusable", {"items": problems})
    return {
        subscale.code: [answers[code] for code in scale.asked_items(subscale, sex)]
        for subscale in scale.subscales
    }


def raw_score(scale: Scale, subscale: Subscale, sex: str, values: list[int]) -> int:
    """原始分: the sum of a subscale's answers given in its printed order, reverse-scored items
    turned round. The caller has checked the values (see subscale_problems)."""
    flips = scale.flips(subscale, sex)
    return sum(flip - value if flip else value for flip, value in zip(flips, values, strict=True))


def subscale_problem(scale: Scale, subscale: Subscale, sex: str, values: object) -> str | None:
    """What is wrong with one subscale's list of answers (wrong_length, out_of_range), if any."""
    codes = scale.asked_items(subscale, sex)
    if not isinstance(values, list) or len(values) != len(codes):
        return "wrong_length"
    if any(
        not _is_int(value) or value not in scale.item(code).values
        for code, value in zip(codes, values, strict=True)
    ):
        return "out_of_range"
    return None
