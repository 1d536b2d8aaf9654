"""The diagnosis domain's settings and beat entries (see tcm_app/common/settings.py)."""

SETTINGS: dict = {}

BEAT = {
    # A photo's analysis is queued when its upload commits; if the queue was unreachable at that
    # moment (Redis restarting) the task was never sent. Every minute the photos still
    # waiting are queued again: the analysis is idempotent, so one queued twice runs once.
    "tongue-analysis-sweep": {"task": "diagnosis.requeue_waiting_analyses", "schedule": 60},
}
