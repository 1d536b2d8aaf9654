"""Patient pages: home (visits, family, addresses, pregnancy), visit requests, staff view."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tcm_app.common.errors import NotFoundError, TCMError
from tcm_app.common.online_care import EncounterKind
from tcm_app.extensions import db
from tcm_app.forms import (
    AddressForm,
    ElderModeForm,
    PregnancyForm,
    VisitRequestForm,
    WardForm,
)
from tcm_app.labels import choices, label
from tcm_app.models.accounts import DoctorProfile, Role, User
from tcm_app.models.encounters import Encounter
from tcm_app.navigation import elder_tasks
from tcm_app.panels import visit_row_loads
from tcm_app.services import access, elder_mode, encounters, patients
from tcm_app.services.clock import clinic_today
from tcm_app.views.blueprint import core_bp
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import apply_errors, flash_error
from tcm_app.views.voice import posted_voice


def my_patient():
    patient = patients.patient_of_user(current_user)
    if patient is None:
        raise NotFoundError("no patient record for this account")
    return patient


def render_home(status=200, **forms):
    me = my_patient()
    # own_patient_ids: the patient, the wards and the elders who consented (家人代办)
    family = access.own_patients(current_user)
    visits = db.session.scalars(
        access.encounters_query(current_user, [p.id for p in family])
        .order_by(Encounter.id.desc())
        .options(joinedload(Encounter.doctor), *visit_row_loads())  # what each row shows
    ).all()
    if current_user.elder_mode and not forms:
        return render_elder_home(me, family, visits), status
    forms.setdefault("ward_form", WardForm())
    forms.setdefault("address_form", AddressForm())
    return render_template(
        "core/patient/home.html",
        me=me,
        family=family,
        visits=visits,
        pregnancy_form=PregnancyForm(),
        elder_form=ElderModeForm(),
        **forms,
    ), status


# The elderly mode's home shows a few visits; 查看更多 opens the whole list.
ELDER_VISITS_SHOWN = 3


def render_elder_home(me, family, visits):
    """长辈模式: the main tasks as large buttons, then the next few visits."""
    own_ids = [p.id for p in family]
    tasks = [(task, task.hint() if task.hint else None) for task in elder_tasks()]
    show_all = request.args.get("all") == "visits"
    today = clinic_today()
    return render_template(
        "core/patient/elder_home.html",
        me=me,
        family=family,
        today=today,
        visit=elder_mode.visit_to_show(current_user, own_ids, today, *visit_row_loads()),
        visits=visits if show_all else visits[:ELDER_VISITS_SHOWN],
        more_visits=not show_all and len(visits) > ELDER_VISITS_SHOWN,
        tasks=tasks,
        elder_form=ElderModeForm(),
    )


@core_bp.route("/me")
@roles_required(Role.PATIENT)
def patient_home():
    return render_home()


@core_bp.route("/me/wards", methods=["POST"])
@roles_required(Role.PATIENT)
def ward_add():
    form = WardForm()
    return form_action(
        form,
        lambda: patients.add_ward(
            my_patient(),
            form.legal_name.data,
            form.id_number.data,
            form.relation.data,
            current_user,
        ),
        lambda status: render_home(status, ward_form=form),
        done=_("Family member added."),
        then=url_for("core.patient_home"),
    )


@core_bp.route("/me/addresses", methods=["POST"])
@roles_required(Role.PATIENT)
def address_add():
    form = AddressForm()
    if not form.validate_on_submit():
        return render_home(400, address_form=form)
    patients.add_address(
        my_patient(),
        form.recipient.data,
        form.phone.data,
        form.region.data,
        form.detail.data,
        form.make_default.data,
        current_user,
    )
    db.session.commit()
    flash(_("Address saved."))
    return redirect(url_for("core.patient_home"))


@core_bp.route("/me/pregnancy", methods=["POST"])
@roles_required(Role.PATIENT)
def pregnancy_update():
    form = PregnancyForm()
    if not form.validate_on_submit() or not form.patient_id.data.isdigit():
        flash(_("Choose a pregnancy status."), "error")
        return render_home(400)
    patient = access.visible_patient(current_user, int(form.patient_id.data))
    try:
        patients.set_pregnancy_status(patient, form.pregnancy_status.data, current_user)
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
        return render_home(exc.status)
    db.session.commit()
    flash(_("Pregnancy status updated."))
    return redirect(url_for("core.patient_home"))


def online_doctor_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(User, DoctorProfile)
        .join(DoctorProfile, DoctorProfile.user_id == User.id)
        .where(DoctorProfile.online_enabled.is_(True), User.active.is_(True))
        .order_by(User.full_name)
        .options(joinedload(DoctorProfile.department))  # each choice names it
    ).all()
    return [(u.id, f"{u.full_name} · {p.department.name} · {label(p.title)}") for u, p in rows]


def visit_request_form() -> VisitRequestForm:
    form = VisitRequestForm()
    my_patient()  # a patient account without its record has no page here
    form.patient_id.choices = choices(
        (p.id, p.legal_name) for p in access.own_patients(current_user)
    )
    form.kind.choices = choices(
        (k.value, label(k.value))
        for k in (EncounterKind.ONLINE_FOLLOWUP, EncounterKind.ONLINE_CONSULTATION)
    )
    form.doctor_id.choices = choices(online_doctor_choices())
    return form


@core_bp.route("/me/visits/new", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def encounter_request():
    form = visit_request_form()
    if form.validate_on_submit():
        patient = access.visible_patient(current_user, form.patient_id.data)
        doctor = db.session.get(User, form.doctor_id.data)
        try:
            encounter = encounters.request_encounter(
                current_user,
                patient,
                doctor,
                form.kind.data,
                form.chief_complaint.data,
                clinic_today(),
                posted_voice(),
            )
        except TCMError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            return render_template("core/patient/request.html", form=form), exc.status
        db.session.commit()
        flash(_("Visit requested. Upload your records of the prior diagnosis below."))
        return redirect(url_for("core.encounter_view", encounter_id=encounter.id))
    status = 400 if form.errors else 200
    return render_template("core/patient/request.html", form=form), status


@core_bp.route("/patients/<int:patient_id>")
@roles_required(Role.DOCTOR, Role.CLINIC)
def patient_view(patient_id: int):
    patient = access.visible_patient(current_user, patient_id)
    visits = db.session.scalars(
        access.encounters_query(current_user)
        .where(Encounter.patient_id == patient.id)
        .order_by(Encounter.id.desc())
    ).all()
    db.session.commit()  # the audit entry for opening the record
    return render_template(
        "core/patients/view.html", patient=patient, visits=visits, age=patients.patient_age(patient)
    )
