"""Administration: staff accounts (created only here or by CLI), online-care switch, audit log,
records past their retention term."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from tcm_app.common.errors import NotFoundError, TCMError
from tcm_app.common.retention import MEDICAL_RECORD, PROCESS_RECORD, RETENTION_YEARS
from tcm_app.extensions import db
from tcm_app.forms import AuditFilterForm, StaffForm
from tcm_app.labels import choices
from tcm_app.models.accounts import Department, Role, User
from tcm_app.services import accounts
from tcm_app.services.audit import AuditQuery, audit_page, verify_audit_chain
from tcm_app.services.clock import clinic_today, utc_now
from tcm_app.services.retention import past_term_report
from tcm_app.views.audit_labels import ACTIONS, action_choices, action_label, object_label
from tcm_app.views.blueprint import core_bp
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import flash_error


def staff_form() -> StaffForm:
    form = StaffForm()
    form.department_code.choices = choices(
        (d.code, d.name)
        for d in db.session.scalars(
            select(Department).where(Department.active.is_(True)).order_by(Department.code)
        )
    )
    return form


def render_users(form, status=200, reset=None):
    """The accounts page; `reset` carries a temporary password shown on this answer only."""
    users = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    now = utc_now()
    signing_locked = {user.id for user in users if accounts.signing_locked(user, now)}
    return render_template(
        "admin/users.html", users=users, form=form, signing_locked=signing_locked, reset=reset
    ), status


@core_bp.route("/admin/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def admin_users():
    form = staff_form()
    return form_action(
        form,
        lambda: accounts.create_staff(
            form.username.data,
            form.password.data,
            form.role.data,
            form.full_name.data,
            current_user,
            **staff_profile(form),
        ),
        lambda status: render_users(form, status),
        done=_("Account created."),
        then=url_for("core.admin_users"),
    )


def staff_profile(form) -> dict:
    """The professional details the role needs (none for clinic desk and admin accounts)."""
    if form.role.data == Role.DOCTOR:
        return dict(
            licence_number=form.licence_number.data,
            title=form.title.data,
            department_code=form.department_code.data,
            years_independent_practice=form.years_independent_practice.data or 0,
            online_enabled=form.online_enabled.data,
        )
    if form.role.data == Role.PHARMACIST:
        return dict(licence_number=form.licence_number.data)
    return {}


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError("user not found")
    return user


@core_bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMIN)
def admin_user_toggle(user_id: int):
    user = user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("core.admin_users"))
    accounts.set_active(user, not user.active, current_user)
    db.session.commit()
    flash(_("Account updated."))
    return redirect(url_for("core.admin_users"))


@core_bp.route("/admin/users/<int:user_id>/online", methods=["POST"])
@roles_required(Role.ADMIN)
def admin_doctor_online(user_id: int):
    user = user_or_404(user_id)
    if user.doctor_profile is None:
        raise NotFoundError("not a doctor")
    try:
        accounts.set_online_enabled(user, not user.doctor_profile.online_enabled, current_user)
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
        return render_users(staff_form(), exc.status)
    db.session.commit()
    flash(_("Online care setting updated."))
    return redirect(url_for("core.admin_users"))


@core_bp.route("/admin/users/<int:user_id>/signing-unlock", methods=["POST"])
@roles_required(Role.ADMIN)
def admin_signing_unlock(user_id: int):
    """End a signing lock before its time (after repeated wrong signing passwords)."""
    accounts.unlock_signing(user_or_404(user_id), current_user)
    db.session.commit()
    flash(_("Signing unlocked."))
    return redirect(url_for("core.admin_users"))


@core_bp.route("/admin/audit")
@roles_required(Role.ADMIN)
def admin_audit():
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _("All actions")), *action_choices()]
    query = audit_query(form)
    if query is None:
        page = render_template("admin/audit.html", form=form, entries=[], report=None, filters={})
        return page, 422
    before, after = request.args.get("before", type=int), request.args.get("after", type=int)
    entries, older, newer = audit_page(query, before, after)
    # The whole chain is verified on the first page only: deeper pages stay as fast as the first.
    report = verify_audit_chain() if before is None and after is None else None
    return render_template(
        "admin/audit.html",
        form=form,
        entries=entries,
        report=report,
        older=older,
        newer=newer,
        filters={k: v for k, v in request.args.items() if k not in ("before", "after") and v},
        action_label=action_label,
        object_label=object_label,
    )


def audit_query(form: AuditFilterForm) -> AuditQuery | None:
    """The filters as a query, or None with the errors next to their fields."""
    if not form.validate():
        return None
    actor_id = None
    if form.person.data:
        actor_id = db.session.scalar(select(User.id).where(User.username == form.person.data))
        if actor_id is None:
            form.person.errors.append(_("No account has this username."))
            return None
    if form.date_from.data and form.date_to.data and form.date_to.data < form.date_from.data:
        form.date_to.errors.append(_("The end date is before the start date."))
        return None
    action = form.action.data if form.action.data in ACTIONS else None
    return AuditQuery(actor_id, action, form.date_from.data, form.date_to.data)


@core_bp.route("/admin/retention")
@roles_required(Role.ADMIN)
def admin_retention():
    """What has passed its retention term, per kind, for a person to decide on (never deleted)."""
    today = clinic_today()
    return render_template(
        "admin/retention.html",
        lines=past_term_report(today),
        today=today,
        years=RETENTION_YEARS,
        MEDICAL_RECORD=MEDICAL_RECORD,
        PROCESS_RECORD=PROCESS_RECORD,
    )
