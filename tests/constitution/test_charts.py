"""What the constitution pages draw (constitution/charts.py): scores shown as whole points, bars
in proportion to each type's range, end labels kept apart, and the changes worth naming."""

from datetime import date

import pytest

from constitution.charts import bar_chart, changes, shown, spread, trend_chart

pytestmark = pytest.mark.pure


@pytest.mark.parametrize(
    "score, expected",
    [(56.25, 56), (37.5, 38), (28.125, 28), (62.5, 63), (0, 0), (100, 100)],
    ids=["56.25 shows 56", "37.5 rounds up to 38", "28.125 shows 28", "62.5 shows 63",
         "0 shows 0", "100 shows 100"],
)  # fmt: skip
def test_scores_show_as_whole_points_halves_up(score, expected):
    assert shown(score) == expected


def test_bars_are_in_proportion_to_each_types_range():
    chart = bar_chart(
        {"pinghe": 17, "qixu": 12}, {"pinghe": "yes", "qixu": "yes"},
        {"pinghe": (5, 25), "qixu": (4, 20)},
    )  # fmt: skip
    pinghe, qixu = chart.bars
    assert pinghe.width == pytest.approx(0.6 * 220) and qixu.width == pytest.approx(0.5 * 220)
    assert (qixu.value, qixu.verdict) == (12, "yes") and chart.marks == ()


def test_the_standards_thresholds_are_marked_on_its_0_to_100_axis():
    chart = bar_chart({"qixu": 40}, {}, {"qixu": (0, 100)}, (30, 40, 60))
    assert [mark for mark, _x in chart.marks] == [30, 40, 60]
    assert chart.bars[0].verdict == "no"


@pytest.mark.parametrize(
    "ys, expected",
    [([100, 102, 150], [100, 114, 150]), ([50, 40, 45], [68, 40, 54]), ([10], [10])],
    ids=["two close labels are pushed apart", "three crowded labels keep their order",
         "a single label stays"],
)  # fmt: skip
def test_end_labels_are_kept_apart(ys, expected):
    assert spread(ys) == expected


def test_the_trend_draws_a_line_per_type_over_the_dates():
    chart = trend_chart(
        [date(2026, 9, 5), date(2026, 11, 28)], {"pinghe": [50, 72], "qixu": [78, 38]}, 0, 100
    )
    assert [line.code for line in chart.lines] == ["pinghe", "qixu"]
    assert chart.lines[1].values == (78, 38)
    assert [label for _x, label in chart.ticks] == ["09-05", "11-28"]


def test_changes_name_verdict_changes_and_big_moves_largest_first():
    verdicts_before = {"pinghe": "no", "qixu": "yes", "yangxu": "tendency", "yinxu": "no"}
    verdicts_after = {"pinghe": "basically_yes", "qixu": "tendency", "yangxu": "no", "yinxu": "no"}
    before = ({"pinghe": 50, "qixu": 78, "yangxu": 32, "yinxu": 25}, verdicts_before)
    after = ({"pinghe": 72, "qixu": 38, "yangxu": 29, "yinxu": 28}, verdicts_after)
    named = changes(before, after, min_step=10)
    assert [(c.code, c.before, c.after) for c in named] == [
        ("qixu", 78, 38), ("pinghe", 50, 72), ("yangxu", 32, 29),
    ]  # fmt: skip
