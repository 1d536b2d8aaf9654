"""Account recovery and re-authentication pages.

- 忘记密码: a patient resets their password with a code sent to their verified phone.
- An administrator resets a staff password; the next sign-in must choose a new one, and until then
  the account can open nothing but the change page (and sign out).
- Doctors and pharmacists prove their login password again before a video consult and before
  signing when their last proof is older than REAUTH_MINUTES (`recent_sign_in_required`)."""

from datetime import UTC, datetime, timedelta
from functools import wraps

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, user_logged_in
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from tcm_app.api.blueprint import request_token
from tcm_app.common.errors import AuthenticationError, PermissionDeniedError, TCMError
from tcm_app.extensions import db, limiter
from tcm_app.forms import CODE, PHONE
from tcm_app.models.accounts import Role, User
from tcm_app.services import phone_codes, recovery
from tcm_app.services.accounts import authenticate
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import utc_now
from tcm_app.views.admin import render_users, staff_form, user_or_404
from tcm_app.views.auth import ALL_ROLES, CODE_ERRORS, login_limit, safe_next
from tcm_app.views.blueprint import auth_bp, core_bp
from tcm_app.views.guards import public, roles_required
from tcm_app.views.helpers import apply_errors, flash_error
from tcm_app.views.security_headers import allow_same_origin_framing, is_static_file

# --- forms -------------------------------------------------------------------------------------


class ForgotForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    phone = StringField(_l("Mobile phone"), validators=[DataRequired(), PHONE])


class ResetForm(ForgotForm):
    code = StringField(
        _l("Verification code"),
        validators=[DataRequired(message=_l("Enter the code from the text message.")), CODE],
    )
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("password", message=_l("Passwords differ."))],
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("password", message=_l("Passwords differ."))],
    )


class ReauthForm(FlaskForm):
    password = PasswordField(_l("Login password"), validators=[DataRequired(), Length(max=128)])
    next = HiddenField()


RECOVERY_ERRORS = {
    "refused": _l("The code is wrong or no longer valid. Ask for a new one if needed."),
    "same_as_temporary": _l("Choose a password different from the temporary one."),
}


def _show_errors(form, exc: TCMError) -> None:
    """Service refusals next to their fields, in the page's language."""
    for name, codes in exc.fields.items():
        field = getattr(form, name, None)
        wording = [str(RECOVERY_ERRORS.get(c) or CODE_ERRORS.get(c) or "") for c in codes]
        if field is not None and all(wording):
            field.errors = list(field.errors) + wording
            return
    apply_errors(form, exc)


# --- 忘记密码 (patients) ----------------------------------------------------------------------


def render_reset(form, status=200, step="ask"):
    page = render_template(
        "auth/forgot_password.html",
        form=form,
        step=step,
        code_minutes=phone_codes.setting("PHONE_CODE_MINUTES"),
    )
    return page, status


@auth_bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def forgot_password():
    """Step one: username and phone. The answer is the same whether or not they match."""
    form = ForgotForm()
    if not form.is_submitted():
        return render_reset(form)
    if not form.validate():
        return render_reset(form, 400)
    try:
        recovery.request_reset(form.username.data, form.phone.data, request.remote_addr)
    except TCMError as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return render_reset(form, exc.status)
    db.session.commit()
    step_two = ResetForm(formdata=None, username=form.username.data, phone=form.phone.data)
    return render_reset(step_two, step="code")


@auth_bp.route("/password/reset", methods=["POST"])
@limiter.limit(login_limit)
@public
def reset_password():
    """Step two: the code and the new password; then sign in with it."""
    form = ResetForm()
    if not form.validate():
        return render_reset(form, 400, step="code")
    try:
        recovery.reset_password(
            form.username.data, form.phone.data, form.code.data, form.password.data
        )
    except recovery.CodeRefusedError as exc:
        db.session.commit()  # the wrong code counts against its tries; the audit entry stays
        _show_errors(form, exc)
        return render_reset(form, exc.status, step="code")
    except TCMError as exc:
        db.session.rollback()  # a weak password: the code was not spent
        _show_errors(form, exc)
        return render_reset(form, exc.status, step="code")
    db.session.commit()
    flash(_("Your password was changed and every other sign-in ended. Sign in again."), "success")
    return redirect(url_for("auth.login"))


# --- an administrator's reset, and the change it forces ------------------------------------------


@core_bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@roles_required(Role.ADMIN)
def admin_reset_password(user_id: int):
    """Show the generated temporary password once, on this answer only (never in a flash, which
    travels in the session cookie)."""
    user = user_or_404(user_id)
    try:
        temporary = recovery.reset_staff_password(user, current_user)
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
        return redirect(url_for("core.admin_users"))
    db.session.commit()
    # Never cached: every answer is no-store (register_security_headers).
    return render_users(staff_form(), reset={"user": user, "temporary": temporary})


@auth_bp.route("/password/change", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
def change_temporary_password():
    """After an administrator's reset: choose a new password before anything else."""
    if not current_user.must_change_password:
        return redirect(url_for("core.index"))
    form = NewPasswordForm()
    if not form.validate_on_submit():
        page = render_template("auth/change_password.html", form=form)
        return page, 400 if form.errors else 200
    user = db.session.get(User, current_user.id)
    try:
        recovery.replace_temporary_password(user, form.password.data)
    except TCMError as exc:
        db.session.rollback()
        _show_errors(form, exc)
        return render_template("auth/change_password.html", form=form), exc.status
    db.session.commit()
    login_user(user)  # the session token rotated: this session goes on under the new one
    flash(_("Your new password is set."), "success")
    return redirect(url_for("core.index"))


# Endpoints a user who must change their password may still reach (and every static file: the
# change page loads the app's and each domain's stylesheet).
WHILE_CHANGE_REQUIRED = {
    "auth.change_temporary_password",
    "auth.logout",
    "auth.favicon",
}


def require_password_change():
    """Before every request: an account whose password an administrator reset opens nothing but
    the change page; on the API its token is refused with 403 password_change_required."""
    if "api" in request.blueprints:  # the core API and the domains' APIs nested in it
        # Signing a token out stays possible: it only ends access.
        return None if request.endpoint == "api.token_revoke" else _refuse_api_until_changed()
    if (
        request.endpoint in WHILE_CHANGE_REQUIRED
        or is_static_file()
        or not current_user.is_authenticated
    ):
        return None
    if current_user.must_change_password:
        return redirect(url_for("auth.change_temporary_password"))
    return None


def _refuse_api_until_changed():
    token = request_token()  # looked up once for the request: api_roles reads the same
    if token is not None and token.user.must_change_password:
        raise PermissionDeniedError(
            "choose a new password on the website first", "password_change_required"
        )
    return None


# --- re-authentication ---------------------------------------------------------------------------

PROVED_AT = "password_proved_at"  # session key: when this session last proved the login password
REAUTH_ROLES = frozenset({Role.DOCTOR, Role.PHARMACIST})


def remember_password_proof(*_args, **_kwargs) -> None:
    """Every sign-in (Flask-Login's user_logged_in) is a proof of the login password."""
    session[PROVED_AT] = utc_now().timestamp()


def password_proved_recently() -> bool:
    proved = session.get(PROVED_AT)
    if not isinstance(proved, int | float):
        return False
    age = utc_now() - datetime.fromtimestamp(proved, UTC)
    # A proof "in the future" is a clock step between servers, not a forgery (the session is
    # signed): it counts as recent.
    return age <= timedelta(minutes=current_app.config["REAUTH_MINUTES"])


def recent_sign_in_required(back=None, roles=REAUTH_ROLES, methods=("GET", "POST")):
    """Users of `roles` whose last password proof is older than REAUTH_MINUTES go to the
    re-authentication page first, then come back. A GET comes back to itself; a POST cannot be
    replayed, so it names `back(**view_args)`: the page that holds its form, which checks on its
    own GET, so that a form is filled in after a fresh proof and typed values are not lost (unless
    the page sat open past the limit). Only requests whose method is in `methods` are checked.
    Put it below roles_required."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if (
                request.method not in methods
                or current_user.role not in roles
                or password_proved_recently()
            ):
                return view(*args, **kwargs)
            if request.method == "GET":
                target = request.full_path.rstrip("?")
            else:
                target = back(**kwargs) if back else url_for("core.index")
                flash(_("Nothing was done yet: enter your login password again first."), "error")
            return redirect(url_for("auth.reauth", next=target))

        return wrapped

    return decorate


@auth_bp.route("/reauth", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@roles_required(*ALL_ROLES)
def reauth():
    """请再次输入登录密码: a wrong password counts as a failed sign-in (same lock-out)."""
    form = ReauthForm(next=request.args.get("next"))
    target = safe_next(form.next.data) or url_for("core.index")
    if not form.validate_on_submit():
        page = render_template("auth/reauth.html", form=form, minutes=_minutes())
        return page, 400 if form.errors else 200
    try:
        authenticate(current_user.username, form.password.data, request.remote_addr)
    except AuthenticationError as exc:
        db.session.commit()  # keep the failure count and its audit entry
        form.password.errors.append(
            _("Account locked after repeated failures. Try again later.")
            if exc.code == "account_locked"
            else _("The password is wrong.")
        )
        page = render_template("auth/reauth.html", form=form, minutes=_minutes())
        return page, 401
    remember_password_proof()
    record_audit("auth.reauth", "user", current_user.id, "login password proved again")
    db.session.commit()
    return redirect(target)


@auth_bp.after_request
def reauth_embeddable_in_our_pages(response):
    """The prescription editor beside the video call is a same-origin frame; when its proof is
    stale the frame shows this page, which must therefore be frameable by our own pages."""
    if request.endpoint == "auth.reauth":
        return allow_same_origin_framing(response)
    return response


def _minutes() -> int:
    return current_app.config["REAUTH_MINUTES"]


def register_recovery(app) -> None:
    """Wire the forced password change and the proof of sign-in time into the app."""
    app.before_request(require_password_change)
    user_logged_in.connect(remember_password_proof, app)
