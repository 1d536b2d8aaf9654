"""Sign in, sign out and patient self-registration."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from tcm_app.common.errors import AuthenticationError, TCMError
from tcm_app.extensions import db, limiter
from tcm_app.forms import LoginForm, RegisterForm
from tcm_app.models.accounts import Role
from tcm_app.services.accounts import authenticate
from tcm_app.services.audit import record_audit
from tcm_app.services.patients import register_patient
from tcm_app.views.blueprint import auth_bp
from tcm_app.views.guards import public, roles_required
from tcm_app.views.helpers import apply_errors

ALL_ROLES = tuple(Role)


def safe_next(target: str | None) -> str | None:
    """Follow ?next= only to a path on this site, never to another host (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@auth_bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except AuthenticationError as exc:
            db.session.commit()  # keep the failure count and its audit entry
            message = (
                _("Account locked after repeated failures. Try again later.")
                if exc.code == "account_locked"
                else _("Wrong username or password.")
            )
            form.password.errors.append(message)
            return render_template("auth/login.html", form=form), 401
        db.session.commit()
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or url_for("core.index"))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@auth_bp.route("/logout", methods=["POST"])
@roles_required(*ALL_ROLES)
def logout():
    record_audit("auth.logout", "user", current_user.id, "signed out")
    db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@auth_bp.route("/register", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            patient = register_patient(
                form.username.data,
                form.password.data,
                form.legal_name.data,
                form.id_number.data,
                form.phone.data,
            )
        except TCMError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            return render_template("auth/register.html", form=form), exc.status
        db.session.commit()
        login_user(patient.user)
        flash(_("Welcome. Your real-name registration is complete."))
        return redirect(url_for("core.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status
