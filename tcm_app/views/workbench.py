"""Landing pages per role: the doctor's workbench, the clinic desk, and the other staff homes."""

from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tcm_app.common.online_care import OPEN_STATUSES, EncounterKind
from tcm_app.extensions import db
from tcm_app.forms import DeskVisitForm
from tcm_app.labels import choices
from tcm_app.models.accounts import DoctorProfile, Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.navigation import home_endpoint
from tcm_app.panels import visit_row_loads
from tcm_app.services import access, encounters, patients
from tcm_app.services.clock import clinic_today
from tcm_app.views.blueprint import core_bp
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required


@core_bp.route("/")
@roles_required(*Role)
def index():
    # A domain may give some users another home (a clinic therapist: today's own treatments).
    for home_for in current_app.extensions.get("tcm_home_for", ()):
        endpoint = home_for(current_user)
        if endpoint:
            return redirect(url_for(endpoint))
    return redirect(url_for(home_endpoint(current_user.role)))


@core_bp.route("/workbench")
@roles_required(Role.DOCTOR)
def workbench():
    """Today's encounters plus every open request still waiting for this doctor."""
    today = clinic_today()
    rows = db.session.scalars(
        access.encounters_query(current_user)
        .where(or_(Encounter.scheduled_on == today, Encounter.status.in_(OPEN_STATUSES)))
        .order_by(Encounter.scheduled_on, Encounter.id)
        .options(joinedload(Encounter.patient), *visit_row_loads())
    ).all()
    profile = db.session.scalar(
        select(DoctorProfile)
        .where(DoctorProfile.user_id == current_user.id)
        .options(joinedload(DoctorProfile.department))
    )
    return render_template("core/workbench.html", encounters=rows, today=today, profile=profile)


@core_bp.route("/staff")
@roles_required(Role.PHARMACIST, Role.DECOCTION)
def staff_home():
    return render_template("core/staff_home.html")


def desk_form() -> DeskVisitForm:
    form = DeskVisitForm()
    doctors = db.session.execute(
        select(User, DoctorProfile)
        .join(DoctorProfile, DoctorProfile.user_id == User.id)
        .where(User.active.is_(True))
        .order_by(User.full_name)
    ).all()
    form.doctor_id.choices = choices(
        (u.id, f"{u.full_name} · {p.department.name}") for u, p in doctors
    )
    if form.scheduled_on.data is None:
        form.scheduled_on.data = clinic_today()
    return form


def render_desk(form, status=200):
    rows = db.session.scalars(
        access.encounters_query(current_user)
        .where(Encounter.scheduled_on >= clinic_today())
        .order_by(Encounter.scheduled_on, Encounter.id)
        .limit(200)
        # what each row shows: the patient, the doctor, the department, what the domains add
        .options(
            joinedload(Encounter.patient),
            joinedload(Encounter.doctor),
            joinedload(Encounter.department),
            *visit_row_loads(),
        )
    ).all()
    return render_template("core/desk.html", encounters=rows, form=form), status


@core_bp.route("/desk", methods=["GET", "POST"])
@roles_required(Role.CLINIC)
def desk():
    """The clinic desk registers in-person visits and sees upcoming ones."""
    form = desk_form()
    return form_action(
        form,
        lambda: register_in_person_visit(form),
        lambda status: render_desk(form, status),
        done=_("In-person visit registered."),
        then=url_for("core.desk"),
    )


def register_in_person_visit(form) -> None:
    encounters.request_encounter(
        current_user,
        patients.find_by_id_number(form.id_number.data),
        db.session.get(User, form.doctor_id.data),
        EncounterKind.IN_PERSON,
        form.chief_complaint.data,
        form.scheduled_on.data,
    )
