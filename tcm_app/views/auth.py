"""Sign in, sign out and patient self-registration."""

import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import (
    Response,
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
from flask_login import current_user, login_user, logout_user

from tcm_app.common.errors import AuthenticationError, TCMError
from tcm_app.extensions import db, limiter
from tcm_app.forms import LoginForm, PhoneCodeForm, RegisterForm
from tcm_app.models.accounts import Role
from tcm_app.services import legal, phone_codes
from tcm_app.services.accounts import authenticate, sign_out
from tcm_app.services.patients import register_patient
from tcm_app.views.blueprint import auth_bp
from tcm_app.views.guards import public, roles_required
from tcm_app.views.helpers import apply_errors

ALL_ROLES = tuple(Role)


def safe_next(target: str | None) -> str | None:
    """Follow ?next= only to a plain path on this site, never to another host (open redirect).

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so a tab or a
    backslash between two slashes leads to another host: anything but a plain local path (one
    leading slash, no scheme or host, no backslash, control character or space, percent-decoded
    too) goes home."""
    if not target:
        return None
    for form in (target, unquote(target)):
        if not _is_plain_local_path(form):
            return None
    return target


def _is_plain_local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(char.isspace() or unicodedata.category(char)[0] in "CZ" for char in target):
        return False  # control, format (e.g. bidi overrides), separator and space characters
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@auth_bp.route("/favicon.ico")
@public
def favicon():
    """The icon for pages without our <head> (a PDF or image opened in its own tab): browsers ask
    for /favicon.ico there, and a 404 shows as an error in the console."""
    icon = Path(current_app.static_folder, "favicon.svg").read_bytes()  # 250 bytes
    return Response(icon, mimetype="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@auth_bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, request.remote_addr)
        except AuthenticationError as exc:
            db.session.commit()  # keep the failure count and its audit entry
            message = (
                _(
                    "Too many failed sign-ins: signing in is locked for now. "
                    "Try again in %(minutes)s minutes.",
                    minutes=exc.params["minutes"],
                )
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
    sign_out(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


# Refusals of the phone code, shown next to the field they concern.
CODE_ERRORS = {
    "code_missing": _l("Ask for a code first."),
    "code_expired": _l("The code has expired. Ask for a new one."),
    "code_locked": _l("Too many wrong codes. Ask for a new one."),
    "code_wrong": _l("The code is wrong. Check the text message and try again."),
    "too_many_codes": _l("Too many codes asked for. Wait a minute and try again."),
    "sms_failed": _l("The text message could not be sent. Try again later."),
}


def show_code_errors(form, exc: TCMError) -> None:
    for name, codes in exc.fields.items():
        field = getattr(form, name)
        field.errors = list(field.errors) + [str(CODE_ERRORS[code]) for code in codes]


def render_register(form, status=200, code_form=None, step="details", sent_to=None):
    """The first step (the phone number) until a code was sent, then the whole form."""
    documents = {name: legal.current(name) for name in legal.CURRENT}
    return render_template(
        "auth/register.html",
        form=form,
        code_form=code_form or PhoneCodeForm(formdata=None, phone=form.phone.data),
        step=step,
        sent_to=sent_to,
        documents=documents,
        code_minutes=phone_codes.setting("PHONE_CODE_MINUTES"),
    ), status


@auth_bp.route("/register/code", methods=["POST"])
@limiter.limit(login_limit)
@public
def register_code():
    """Send a verification code to the phone number, then show the whole form."""
    code_form = PhoneCodeForm()
    form = RegisterForm(formdata=None)
    if not code_form.validate():
        return render_register(form, 400, code_form, step="phone")
    try:
        phone_codes.send_code(code_form.phone.data, request.remote_addr)
    except TCMError as exc:
        db.session.rollback()
        show_code_errors(code_form, exc)
        return render_register(form, exc.status, code_form, step="phone")
    db.session.commit()
    form.phone.data = code_form.phone.data
    return render_register(form, sent_to=code_form.phone.data)


@auth_bp.route("/register", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def register():
    form = RegisterForm()
    if not form.is_submitted():
        return render_register(form, step="phone")
    if not form.validate():
        return render_register(form, 400)
    try:
        phone_codes.verify_code(form.phone.data, form.code.data)
    except TCMError as exc:
        db.session.commit()  # a wrong code counts against the code's tries
        show_code_errors(form, exc)
        return render_register(form, exc.status)
    try:
        patient = register_new_patient(form)
    except TCMError as exc:
        db.session.rollback()  # nothing half-written; the code stays unused
        apply_errors(form, exc)
        return render_register(form, exc.status)
    db.session.commit()
    login_user(patient.user)
    flash(_("Welcome. Your real-name registration is complete."))
    return redirect(url_for("core.index"))


def register_new_patient(form):
    """The patient, their login and their consents (each document's version and time)."""
    patient = register_patient(
        form.username.data,
        form.password.data,
        form.legal_name.data,
        form.id_number.data,
        form.phone.data,
    )
    legal.record_consents(patient.user, request.remote_addr)
    return patient


@auth_bp.route("/legal/<legal_doc>/v<int:legal_version>")
@public
def legal_document(legal_doc: str, legal_version: int):
    """One version of a document users agree to (the user agreement, the consent)."""
    return render_template("auth/legal.html", doc=legal.document(legal_doc, legal_version))
