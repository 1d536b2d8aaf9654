"""Follow-up plans as rules: which tasks a plan may hold, when each falls due, and how a task
stands on a given day (upcoming, due, overdue, done).

A task falls due `day` days after the plan's start (the day the patient starts the medicine or
the treatment); unanswered `grace_days` after that it is overdue and listed for the doctor.

Pure: standard library only."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

QUESTIONNAIRE, TONGUE_PHOTO, REVISIT = "questionnaire", "tongue_photo", "revisit"
TASK_KINDS = (QUESTIONNAIRE, TONGUE_PHOTO, REVISIT)
MAX_DAY = 365  # a plan covers at most a year: longer care is a new visit's plan
MAX_TASKS = 20

UPCOMING, DUE, OVERDUE, DONE = "upcoming", "due", "overdue", "done"


@dataclass(frozen=True)
class TaskSpec:
    day: int
    kind: str
    scale: str | None = None  # a questionnaire's scale code


def task_problem(spec: TaskSpec, scale_codes: Iterable[str]) -> str | None:
    """Why one task cannot be planned (a stable code), or None."""
    if spec.kind not in TASK_KINDS:
        return "unknown_kind"
    if type(spec.day) is not int or not 1 <= spec.day <= MAX_DAY:
        return "bad_day"
    if spec.kind == QUESTIONNAIRE and spec.scale not in set(scale_codes):
        return "scale_required"
    if spec.kind != QUESTIONNAIRE and spec.scale:
        return "scale_not_asked"
    return None


def plan_problems(specs: list[TaskSpec], scale_codes: Iterable[str]) -> dict[int, str]:
    """Row number (from 1) → problem for each unusable task; row 0 for the plan as a whole
    (no task, too many, the same task twice on a day)."""
    codes = tuple(scale_codes)
    if not specs:
        return {0: "no_tasks"}
    if len(specs) > MAX_TASKS:
        return {0: "too_many_tasks"}
    problems = {
        number: problem
        for number, spec in enumerate(specs, 1)
        if (problem := task_problem(spec, codes)) is not None
    }
    if not problems and len(set(specs)) != len(specs):
        problems[0] = "task_twice"
    return problems


def due_on(start: date, spec: TaskSpec) -> date:
    return start + timedelta(days=spec.day)


def task_state(due: date, done: bool, today: date, grace_days: int) -> str:
    """How a task stands on `today`."""
    if done:
        return DONE
    if today < due:
        return UPCOMING
    if today > due + timedelta(days=grace_days):
        return OVERDUE
    return DUE


def parse_templates(rows: object, scale_codes: Iterable[str]) -> dict[str, Mapping]:
    """Template code → {title, title_en, tasks: [TaskSpec]} from the templates file's list;
    ValueError naming the template when one is unusable."""
    if not isinstance(rows, list) or not rows:
        raise ValueError("the templates file holds no template")
    codes = tuple(scale_codes)
    templates: dict[str, Mapping] = {}
    for row in rows:
        code = row.get("code") if isinstance(row, Mapping) else None
        if not code or not row.get("title") or code in templates:
            raise ValueError(f"template {code!r}: a code and a title are needed, once each")
        specs = [TaskSpec(int(t["day"]), str(t["kind"]), t.get("scale")) for t in row["tasks"]]
        problems = plan_problems(specs, codes)
        if problems:
            raise ValueError(f"template {code!r}: {problems}")
        title_en = row.get("title_en") or row["title"]
        templates[code] = {"title": row["title"], "title_en": title_en, "tasks": specs}
    return templates
