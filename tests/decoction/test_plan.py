"""The decoction plan (decoction/plan.py): times by formula type, each special method's step,
volumes by age, water, bags, and refusals of bad requests. Sources in the module docstring."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from decoction.plan import (
    FormulaType,
    HerbInput,
    Method,
    PlanError,
    PlanSettings,
    build_plan,
    ml_per_packet,
    parse_request,
    plan_request,
)

pytestmark = pytest.mark.pure
ROOT = Path(__file__).resolve().parents[2]


def herb(name, grams=10, method=Method.NORMAL):
    return HerbInput(name, Decimal(grams), method)


def steps_of(plan):
    return {step.code: step for step in plan.steps}


@pytest.mark.parametrize(
    ("formula_type", "first", "second", "minimum"),
    [
        (FormulaType.ORDINARY, 25, 20, 20),
        (FormulaType.AROMATIC, 17, 12, 15),
        (FormulaType.TONIC, 60, 55, 40),
    ],
    ids=[
        "ordinary-20-30-min-after-boiling",
        "aromatic-and-exterior-releasing-15-20-min",
        "tonic-40-60-min-on-low-heat",
    ],
)
def test_decoction_times_by_formula_type(formula_type, first, second, minimum):
    plan = build_plan([herb("黄芪")], 7, formula_type)
    assert (plan.first_decoction_minutes, plan.second_decoction_minutes) == (first, second)
    assert steps_of(plan)["first_decoction"].min_minutes == minimum
    assert plan.second_decoction_minutes < plan.first_decoction_minutes


def test_every_plan_soaks_at_least_30_minutes_first():
    plan = build_plan([herb("黄芪"), herb("石膏", 30, Method.DECOCT_FIRST)], 3, "ordinary")
    assert plan.steps[0].code == "soak" and plan.steps[0].min_minutes >= 30
    assert set(plan.steps[0].herbs) == {"黄芪", "石膏"}


@pytest.mark.parametrize(
    ("method", "step", "minutes", "before"),
    [
        (Method.DECOCT_FIRST, "decoct_first", 30, "first_decoction"),
        (Method.ADD_NEAR_END, "add_near_end", 5, "second_decoction"),
        (Method.DECOCT_SEPARATELY, "decoct_separately", 120, "first_decoction"),
        (Method.MELT, "melt", 0, "package"),
        (Method.TAKE_MIXED, "take_mixed", 0, "package"),
    ],
    ids=[
        "decoct-first-boils-alone-before-the-others",
        "add-near-end-goes-in-the-last-minutes-of-the-first-decoction",
        "decoct-separately-about-two-hours-juice-mixed-in",
        "melt-into-the-combined-hot-liquid",
        "take-mixed-is-not-decocted",
    ],
)
def test_special_methods_get_their_own_step(method, step, minutes, before):
    plan = build_plan([herb("甘草"), herb("X", 6, method)], 7, "ordinary")
    codes = [s.code for s in plan.steps]
    assert steps_of(plan)[step].herbs == ("X",) and steps_of(plan)[step].minutes == minutes
    assert codes.index(step) < codes.index(before)
    assert "X" not in steps_of(plan)["first_decoction"].herbs


def test_aconite_roots_are_decocted_first_for_long():
    plan = build_plan([herb("制附子", 9, Method.DECOCT_FIRST), herb("干姜")], 3, "ordinary")
    assert steps_of(plan)["decoct_first"].minutes == 60


def test_wrapped_herbs_go_into_the_pot_in_a_bag():
    plan = build_plan([herb("车前子", 12, Method.WRAP), herb("泽泻")], 3, "ordinary")
    first = steps_of(plan)["first_decoction"]
    assert "车前子" in first.herbs and "包煎" in first.note


def test_herbs_outside_the_pot_are_not_soaked_or_counted_for_water():
    plan = build_plan(
        [herb("阿胶", 10, Method.MELT), herb("三七粉", 3, Method.TAKE_MIXED), herb("当归", 10)],
        2,
        "ordinary",
    )
    assert plan.steps[0].herbs == ("当归",)
    assert plan.first_water_ml == 150  # 10 g × 2 packets × 8 ml/g = 160, to the nearest 50


@pytest.mark.parametrize(
    ("age", "ml"),
    [(None, 400), (40, 400), (14, 400), (13, 200), (6, 150), (2, 100), (0, 100)],
    ids=[
        "adult-when-age-unknown",
        "adult-400-ml",
        "from-14-adult",
        "child-7-13-200-ml",
        "child-3-6-150-ml",
        "toddler-100-ml",
        "infant-100-ml",
    ],
)
def test_volume_per_packet_by_age(age, ml):
    assert ml_per_packet(age) == ml


def test_bags_per_order():
    plan = build_plan([herb("黄芪")], 14, "ordinary", age=40)
    assert (plan.bags_per_packet, plan.ml_per_bag, plan.total_bags) == (2, 200, 28)


def test_settings_change_the_sop():
    settings = PlanSettings(soak_minutes=45, decoct_first_minutes=15, bags_per_packet=3)
    plan = build_plan([herb("石膏", 30, Method.DECOCT_FIRST)], 1, "ordinary", settings=settings)
    assert steps_of(plan)["soak"].minutes == 45 and steps_of(plan)["decoct_first"].minutes == 15
    assert plan.bags_per_packet == 3


@pytest.mark.parametrize(
    ("request_body", "code"),
    [
        ([], "invalid_request"),
        ({"packets": 7}, "no_herbs"),
        ({"herbs": [], "packets": 7}, "no_herbs"),
        ({"herbs": [{"dose_g": 3}], "packets": 7}, "invalid_herb"),
        ({"herbs": [{"name": "甘草", "dose_g": 0}], "packets": 7}, "invalid_dose"),
        ({"herbs": [{"name": "甘草", "dose_g": "a lot"}], "packets": 7}, "invalid_dose"),
        ({"herbs": [{"name": "甘草", "dose_g": "NaN"}], "packets": 7}, "invalid_dose"),
        ({"herbs": [{"name": "甘草", "dose_g": 6}], "packets": 0}, "invalid_packets"),
        ({"herbs": [{"name": "甘草", "dose_g": 6}], "packets": 2.5}, "invalid_packets"),
        ({"herbs": [{"name": "甘草", "dose_g": 6}], "packets": True}, "invalid_packets"),
        (
            {"herbs": [{"name": "甘草", "dose_g": 6}], "packets": 7, "formula_type": "x"},
            "invalid_formula_type",
        ),
        (
            {"herbs": [{"name": "甘草", "dose_g": 6, "method": "fry"}], "packets": 7},
            "invalid_method",
        ),
        ({"herbs": [{"name": "甘草", "dose_g": 6}] * 2, "packets": 7}, "duplicate_herb"),
        (
            {"herbs": [{"name": "甘草", "dose_g": 6}], "packets": 7, "patient": {"age": -1}},
            "invalid_age",
        ),
    ],
    ids=[
        "not-an-object",
        "no-herbs-key",
        "empty-herbs",
        "herb-without-name",
        "zero-dose",
        "dose-not-a-number",
        "dose-nan",
        "zero-packets",
        "fractional-packets",
        "boolean-packets",
        "unknown-formula-type",
        "unknown-method",
        "herb-twice",
        "negative-age",
    ],
)
def test_bad_requests_are_refused(request_body, code):
    with pytest.raises(PlanError) as refused:
        parse_request(request_body)
    assert refused.value.code == code


def test_a_request_method_wins_over_the_catalogue_default():
    defaults = {"石膏": Method.DECOCT_FIRST, "薄荷": Method.ADD_NEAR_END}.get
    body = {
        "herbs": [
            {"name": "石膏", "dose_g": 30},
            {"name": "薄荷", "dose_g": 6, "method": "normal"},
        ],
        "packets": 1,
    }
    methods = {h["name"]: h["method"] for h in plan_request(body, defaults)["herbs"]}
    assert methods == {"石膏": "decoct_first", "薄荷": "normal"}


def run_cli(body: str):
    return subprocess.run(
        [sys.executable, "-m", "decoction.plan"],
        input=body,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_command_line_uses_the_catalogue_methods():
    body = {
        "herbs": [
            {"name": "石膏", "dose_g": 30},
            {"name": "知母", "dose_g": 10},
            {"name": "薄荷", "dose_g": 6},
        ],
        "packets": 7,
        "formula_type": "ordinary",
        "patient": {"age": 40},
    }
    result = run_cli(json.dumps(body, ensure_ascii=False))
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    methods = {h["name"]: h["method"] for h in plan["herbs"]}
    assert methods == {"石膏": "decoct_first", "知母": "normal", "薄荷": "add_near_end"}
    codes = [s["code"] for s in plan["steps"]]
    assert codes[:3] == ["soak", "decoct_first", "first_decoction"]
    assert all(isinstance(s["minutes"], int) for s in plan["steps"])
    assert plan["total_bags"] == 14 and plan["total_minutes"] >= 30 + 30 + 25 + 20


@pytest.mark.parametrize(
    "body", ["not json", '{"herbs": [], "packets": 7}'], ids=["not-json", "no-herbs"]
)
def test_command_line_refuses_clearly(body):
    result = run_cli(body)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert set(json.loads(result.stdout)["error"]) == {"code", "message"}
