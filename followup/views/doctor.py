"""The doctor's follow-up pages: making a plan at the end of a visit, the follow-up list (alerts
first), a plan with its answers, contacts and the end of the plan."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from followup.forms import ContactForm, EmptyForm, PlanForm
from followup.plan_rules import TASK_KINDS, TaskSpec
from followup.services import catalogue, plans, reactions, worklist
from followup.views.blueprint import bp
from followup.views.display import scale_title, template_title
from herbs.services.documents import prescription_number
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.labels import choices, label
from tcm_app.models.accounts import Role
from tcm_app.services.access import visible_encounter
from tcm_app.services.clock import clinic_today
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import apply_errors


def plan_form(encounter) -> PlanForm:
    form = PlanForm()
    if not form.is_submitted():
        form.start_on.data = clinic_today()
        form.template.data = next(iter(catalogue.templates()))
    form.template.choices = choices(
        [("", _("None: the tasks below")), *((c, template_title(c)) for c in catalogue.templates())]
    )
    form.prescription_id.choices = choices(
        [("", _("No prescription")),
         *((str(p.id), prescription_number(p)) for p in plans.encounter_prescriptions(encounter))]
    )  # fmt: skip
    kinds = choices([("", "—"), *((kind, label(kind)) for kind in TASK_KINDS)])
    scales = choices([("", "—"), *((s.code, scale_title(s)) for s in catalogue.all_scales())])
    for row in form.tasks:
        row.form.kind.choices = kinds
        row.form.scale.choices = scales
    return form


def task_specs(form: PlanForm) -> list[TaskSpec]:
    """The rows the doctor filled (a kind chosen); the rules check the rest."""
    return [
        TaskSpec(row.day.data or 0, row.kind.data, row.scale.data or None)
        for row in (entry.form for entry in form.tasks)
        if row.kind.data
    ]


@bp.route("/encounters/<int:encounter_id>/plans/new", methods=["GET", "POST"])
@roles_required(Role.DOCTOR)
def new_plan(encounter_id: int):
    encounter = visible_encounter(current_user, encounter_id)
    plans.require_plannable(encounter, current_user)
    form = plan_form(encounter)

    def create():
        prescription = form.prescription_id.data
        return plans.create_plan(
            current_user, encounter, template_code=form.template.data or None,
            tasks=task_specs(form), start_on=form.start_on.data, note=form.note.data or "",
            prescription_id=int(prescription) if prescription else None,
        )  # fmt: skip

    return form_action(
        form, create,
        lambda status: (render_template("followup/new_plan.html", form=form,
                                        encounter=encounter), status),
        done=_("The follow-up plan is set; the patient has been told."),
        then=lambda plan: url_for("followup.plan", plan_id=plan.id),
        invalid_status=422,
    )  # fmt: skip


@bp.get("/")
@roles_required(Role.DOCTOR)
def worklist_page():
    rows = worklist.worklist(current_user, clinic_today())
    return render_template("followup/worklist.html", rows=rows)


def contact_form() -> ContactForm:
    form = ContactForm()
    form.channel.choices = choices(
        [("", _("Choose…")), *((c, label(c)) for c in worklist.CHANNELS)]
    )
    return form


def render_plan(plan, form=None, status=200):
    return render_template(
        "followup/plan.html",
        plan=plan,
        row=worklist.plan_row(plan, clinic_today()),
        contacts=worklist.contacts_of(plan),
        contact_form=form or contact_form(),
        reactions=[
            r for r in reactions.reaction_list(current_user) if r.patient_id == plan.patient_id
        ],
    ), status


@bp.get("/plans/<int:plan_id>")
@roles_required(Role.DOCTOR, Role.PATIENT)
def plan(plan_id: int):
    return render_plan(plans.visible_plan(current_user, plan_id))


@bp.post("/plans/<int:plan_id>/contacts")
@roles_required(Role.DOCTOR)
def add_contact(plan_id: int):
    plan = plans.visible_plan(current_user, plan_id)
    form = contact_form()
    return form_action(
        form,
        lambda: worklist.record_contact(plan, current_user, form.channel.data, form.note.data),
        lambda status: render_plan(plan, form, status),
        done=_("The contact is recorded."),
        then=url_for("followup.plan", plan_id=plan.id) + "#contacts",
        invalid_status=422,
    )


@bp.post("/plans/<int:plan_id>/end")
@roles_required(Role.DOCTOR)
def end_plan(plan_id: int):
    plan = plans.visible_plan(current_user, plan_id)
    back = url_for("followup.plan", plan_id=plan.id)
    if not EmptyForm().validate_on_submit():
        return redirect(back)
    try:
        plans.end_plan(plan, current_user)
        db.session.commit()
    except TCMError as exc:
        db.session.rollback()
        form = contact_form()
        apply_errors(form, exc)
        return render_plan(plan, form, exc.status)
    flash(_("The follow-up plan has ended."))
    return redirect(back)
