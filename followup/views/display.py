"""What the follow-up templates ask of the services, in the reader's language."""

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from followup.services import catalogue, plans, worklist
from followup.views.blueprint import bp
from herbs.services.documents import prescription_number
from tcm_app.common.questionnaire import Choice, Item, Scale
from tcm_app.services.clock import clinic_today


def english() -> bool:
    return str(get_locale()) == "en"


def item_text(item: Item) -> str:
    return item.text_en if english() else item.text


def choice_label(choice: Choice) -> str:
    return choice.label_en if english() else choice.label


def scale_title(scale: Scale) -> str:
    return scale.title_en if english() else scale.title


def plan_title(plan) -> str:
    template = catalogue.templates().get(plan.template_code or "")
    if template:
        return template["title_en"] if english() else template["title"]
    return _("Follow-up plan")


def template_title(code: str) -> str:
    template = catalogue.templates()[code]
    return template["title_en"] if english() else template["title"]


def task_state(task) -> str:
    return worklist.state_of(task, clinic_today())


def answer_words(task) -> list[tuple[str, str]]:
    """(question, the answer's label) of an answered questionnaire, in asking order."""
    if not task.answers or not task.scale_code:
        return []
    scale = catalogue.scale(task.scale_code)
    words = []
    for item in scale.items:
        value = task.answers.get(item.code)
        choice = next((c for c in item.choices if c.value == value), None)
        if choice is not None:
            words.append((item_text(item), choice_label(choice)))
    return words


@bp.app_context_processor
def followup_helpers() -> dict:
    return {
        "followup_plan_title": plan_title,
        "followup_task_state": task_state,
        "followup_answer_words": answer_words,
        "followup_scale_title": lambda code: scale_title(catalogue.scale(code)),
        "followup_item_text": item_text,
        "followup_plans_of": plans.plans_of_encounter,
        "followup_alert_count": worklist.alert_count,
        "reaction_prescription_number": prescription_number,
        "followup_grace_days": lambda: current_app.config["FOLLOWUP_GRACE_DAYS"],
    }
