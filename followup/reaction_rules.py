"""Adverse drug reactions (药品不良反应) as rules: how serious a report is, the causality grades a
pharmacist assesses, and by when the hospital must pass it on to the national monitoring system.

《药品不良反应报告和监测管理办法》(卫生部令第81号, 2011) 第二十条: 新的、严重的药品不良反应应当在
15日内报告，其中死亡病例须立即报告；其他药品不良反应应当在30日内报告. Its 关联性评价 grades are
肯定、很可能、可能、可能无关、待评价、无法评价 (国家药品不良反应监测中心 评价准则).

Pure: standard library only."""

from datetime import date, timedelta

MILD, MODERATE, SERIOUS, DEATH = "mild", "moderate", "serious", "death"
SEVERITIES = (MILD, MODERATE, SERIOUS, DEATH)
CAUSALITY = ("certain", "probable", "possible", "unlikely", "pending", "unassessable")

# Days from when the hospital learns of a reaction to the report's due date (第二十条).
REPORT_DAYS = {DEATH: 0, SERIOUS: 15, MODERATE: 30, MILD: 30}


def report_due(learned_on: date, severity: str) -> date:
    """The day the report to the monitoring system is due; a death is due the same day."""
    if severity not in REPORT_DAYS:
        raise ValueError(f"unknown severity {severity!r}")
    return learned_on + timedelta(days=REPORT_DAYS[severity])


def is_serious(severity: str) -> bool:
    return severity in (SERIOUS, DEATH)
