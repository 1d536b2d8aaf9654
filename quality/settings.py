"""The quality domain's settings and beat entries (see tcm_app/common/settings.py)."""

from tcm_app.common.settings import Setting, require_whole_numbers

SETTINGS = {
    # A complaint is answered within this many working days of its filing (《医疗机构投诉管理办法》
    # 第二十八条: 一般应当于接到投诉之日起5个工作日内反馈; see quality/rules.py).
    "QUALITY_COMPLAINT_ANSWER_DAYS": Setting(5, int),
}

BEAT = {
    # Hourly and idempotent: yesterday's figures (clinic day) are computed once, in the first
    # hour after midnight clinic time; a missed hour is caught up by the next.
    "quality-daily-figures": {"task": "quality.compute_daily_figures", "schedule": 3600},
}

LIMITS = {"QUALITY_COMPLAINT_ANSWER_DAYS": (1, 30)}


def validate(config) -> None:
    require_whole_numbers(config, LIMITS)
