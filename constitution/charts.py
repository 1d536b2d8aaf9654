"""What the results and history pages draw, as plain numbers: the bars of one assessment, the
lines of several over time, and the changes worth naming ("气虚 56 → 34"). The templates turn
the geometry into SVG (server-rendered, no script), so a phone shows it at once and a screen
reader reads the table beside it.

Pure: standard library only.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, PLOT_WIDTH = 26, 10, 72, 220
TREND_WIDTH, TREND_HEIGHT, TREND_PAD = 320, 180, 28


def shown(score: float) -> int:
    """A score as the pages show it: whole points, halves rounded up (the standard's "56")."""
    return int(Decimal(str(score)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Bar:
    code: str
    y: int
    width: float
    value: int
    verdict: str


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    height: int
    marks: tuple[tuple[int, float], ...]  # (threshold, x) lines drawn across the plot
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH


def bar_chart(
    scores: dict[str, float],
    verdicts: dict[str, str],
    ranges: dict[str, tuple[int, int]],
    thresholds: tuple[int, ...] = (),
) -> BarChart:
    """One bar per type in the given order, its length the score's place in the type's range
    (0–100 for 转化分; 4–20 or 5–25 for the older people's sums)."""
    bars = []
    for index, (code, score) in enumerate(scores.items()):
        low, high = ranges[code]
        share = (score - low) / (high - low) if high > low else 0
        bars.append(
            Bar(
                code=code,
                y=index * (BAR_HEIGHT + BAR_GAP),
                width=round(max(0.0, min(1.0, share)) * PLOT_WIDTH, 1),
                value=shown(score),
                verdict=verdicts.get(code, "no"),
            )
        )
    marks = tuple((mark, round(mark / 100 * PLOT_WIDTH, 1)) for mark in thresholds)
    height = len(bars) * (BAR_HEIGHT + BAR_GAP)
    return BarChart(tuple(bars), height, marks)


@dataclass(frozen=True)
class Line:
    code: str
    points: str  # "x,y x,y …" for an SVG polyline
    last: tuple[float, float]
    values: tuple[int, ...]
    label_y: float  # where its name is written at the end, apart from the other names


LABEL_GAP = 14  # px between the names at the lines' ends (13 px text)


def spread(ys: list[float], gap: float = LABEL_GAP) -> list[float]:
    """Label heights as close to `ys` as they can be while `gap` apart (in the same order)."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [0.0] * len(ys)
    floor = float("-inf")
    for i in order:
        placed[i] = max(ys[i], floor + gap)
        floor = placed[i]
    return placed


@dataclass(frozen=True)
class TrendChart:
    lines: tuple[Line, ...]
    ticks: tuple[tuple[float, str], ...]  # (x, date label)
    width: int = TREND_WIDTH
    height: int = TREND_HEIGHT
    pad: int = TREND_PAD


def trend_chart(
    taken_on: list[date], series: dict[str, list[float]], low: float, high: float
) -> TrendChart:
    """A line per type across assessments (oldest first), scaled to [low, high]."""
    span = TREND_WIDTH - 2 * TREND_PAD
    count = len(taken_on)
    xs = [TREND_PAD + (span * i / (count - 1) if count > 1 else span / 2) for i in range(count)]

    def y_of(value: float) -> float:
        share = (value - low) / (high - low) if high > low else 0
        return round(TREND_HEIGHT - TREND_PAD - share * (TREND_HEIGHT - 2 * TREND_PAD), 1)

    drawn = {
        code: [(round(x, 1), y_of(value)) for x, value in zip(xs, values, strict=True)]
        for code, values in series.items()
    }
    label_ys = spread([points[-1][1] for points in drawn.values()])
    lines = [
        Line(
            code=code,
            points=" ".join(f"{x},{y}" for x, y in points),
            last=points[-1],
            values=tuple(shown(value) for value in series[code]),
            label_y=label_y,
        )
        for (code, points), label_y in zip(drawn.items(), label_ys, strict=True)
    ]
    ticks = tuple((round(x, 1), day.strftime("%m-%d")) for x, day in zip(xs, taken_on, strict=True))
    return TrendChart(tuple(lines), ticks)


@dataclass(frozen=True)
class Change:
    code: str
    before: int
    after: int
    verdict_before: str
    verdict_after: str


def changes(
    before: tuple[dict[str, float], dict[str, str]],
    after: tuple[dict[str, float], dict[str, str]],
    min_step: int,
) -> list[Change]:
    """The types worth naming between two assessments of one scale: the verdict changed, or the
    score moved by at least `min_step` shown points; largest moves first."""
    (scores_before, verdicts_before), (scores_after, verdicts_after) = before, after
    found = []
    for code, score in scores_after.items():
        if code not in scores_before:
            continue
        was, now = shown(scores_before[code]), shown(score)
        verdict_was, verdict_now = verdicts_before.get(code, "no"), verdicts_after.get(code, "no")
        if verdict_was != verdict_now or abs(now - was) >= min_step:
            found.append(Change(code, was, now, verdict_was, verdict_now))
    return sorted(found, key=lambda change: -abs(change.after - change.before))
