"""The elderly mode's switch (长辈模式 开/关) and the elder's family proxies (家人代办): whom they
let act for them, added with their consent and revoked at any time."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tcm_app.extensions import db
from tcm_app.forms import ElderModeForm, FamilyProxyForm, RevokeProxyForm
from tcm_app.models.accounts import Role
from tcm_app.services import family_proxies as proxies
from tcm_app.services.elder_mode import set_elder_mode
from tcm_app.views.blueprint import core_bp
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import roles_required
from tcm_app.views.patients import my_patient


@core_bp.route("/me/elder-mode", methods=["POST"])
@roles_required(Role.PATIENT)
def elder_mode_switch():
    form = ElderModeForm()
    if not form.validate_on_submit() or form.on.data not in ("0", "1"):
        flash(_("The switch did not work. Please try again."), "error")
        return redirect(url_for("core.patient_home"))
    on = form.on.data == "1"
    set_elder_mode(current_user, on)
    db.session.commit()
    flash(_("Elder mode is on.") if on else _("Elder mode is off."))
    return redirect(url_for("core.patient_home"))


def render_proxies(status=200, form=None):
    me = my_patient()
    return render_template(
        "core/patient/family_proxies.html",
        me=me,
        form=form or FamilyProxyForm(),
        consents=proxies.consents_of(me),
        acting_for=proxies.acting_for(me),
        revoke_form=RevokeProxyForm(),
    ), status


@core_bp.route("/me/family-proxies", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def family_proxies():
    form = FamilyProxyForm()
    if request.method == "GET":
        return render_proxies()
    return form_action(
        form,
        lambda: proxies.grant(
            my_patient(),
            form.username.data,
            form.legal_name.data,
            form.relation.data,
            form.declaration.data,
            current_user,
        ),
        lambda status: render_proxies(status, form),
        done=_("Your family member can now act for you."),
        then=url_for("core.family_proxies"),
        invalid_status=422,
    )


@core_bp.route("/me/family-proxies/<int:consent_id>/revoke", methods=["POST"])
@roles_required(Role.PATIENT)
def family_proxy_revoke(consent_id: int):
    form = RevokeProxyForm()
    return form_action(
        form,
        lambda: proxies.revoke(my_patient(), consent_id, current_user),
        lambda status: render_proxies(status),
        done=_("Done. This family member can no longer act for you."),
        then=url_for("core.family_proxies"),
        invalid_status=400,
    )
