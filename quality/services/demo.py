"""Demo quality data: demo-patient (王丽) has rated one received thing and has the others
waiting; one complaint waits for the quality officer (周敏, demo-quality); the daily figures of
the last seven days and of today (where the demo's visits are) are computed, so the operator page
is not empty. Today's is a preview (trigger "demo"): the beat task still computes the day once it
has ended, and its run becomes the one shown."""

from datetime import timedelta

from quality.services import complaints, figures, ratings
from tcm_app.services.clock import clinic_today


def seed_demo(world) -> None:
    user = world.patient.user
    waiting, _rated = ratings.awaiting(user)
    if waiting:
        first = waiting[0]
        ratings.rate(user, first.kind, first.id, 5, "医生很耐心，讲解清楚。")
    complaints.file(
        user, world.patient.id, "", "视频问诊时等待了二十多分钟，希望能提前告知医生会晚到。"
    )
    today = clinic_today()
    for days_ago in range(7, -1, -1):
        figures.compute(today - timedelta(days=days_ago), "demo")
