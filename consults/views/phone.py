"""A phone call instead of a video consult (电话问诊): the patient asks for it from the visit
page; the treating doctor records the call there. A refusal shows beside the action on the visit
page (409 for the consult's state, 422 for bad input); a JSON caller gets the error body.
Registered on the consults blueprint."""

from flask import flash, jsonify, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from consults import phone_rules
from consults.services import phone
from consults.views.pages import bp
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.labels import error_message, label
from tcm_app.models.accounts import Role
from tcm_app.services import access
from tcm_app.services.audit import record_refusal
from tcm_app.views.encounters import page_loads, render_encounter
from tcm_app.views.errors import wants_json
from tcm_app.views.guards import roles_required


# Template functions, not a context processor: nothing runs for a page that does not call them,
# and they read the phone events loaded with the visit (a visit row load, see setup.py).
@bp.app_template_global()
def phone_consult_for(encounter) -> phone.PhoneConsult | None:
    """The visit page's phone consult card: the state and the number as the user may see it."""
    return phone.phone_consult_for(encounter, current_user)


@bp.app_template_global()
def phone_badge_for(encounter) -> Markup:
    """The badge a row of a list of visits shows for its phone consult (电话问诊: asked, not
    reached, under way, held), or nothing when none was asked for."""
    state = phone.shown_state(encounter)
    if state == phone_rules.NONE:
        return Markup("")
    return Markup('<span class="badge badge-phone badge-phone-{}">{}</span>').format(
        state, label("phone_shown_" + state)
    )


@bp.route("/<int:encounter_id>/phone", methods=["POST"])
@roles_required(Role.PATIENT)
def phone_request(encounter_id: int):
    """The patient's side asks for a phone call instead of the video consult."""
    encounter = access.visible_encounter(current_user, encounter_id)
    return _run(encounter, lambda: phone.request_phone(encounter, current_user),
                _("The doctor will call you at the booked time."))  # fmt: skip


@bp.route("/<int:encounter_id>/phone/<outcome>", methods=["POST"])
@roles_required(Role.DOCTOR)
def phone_record(encounter_id: int, outcome: str):
    """The treating doctor records the phone call: started, ended or not reached."""
    encounter = access.visible_encounter(current_user, encounter_id)
    return _run(encounter, lambda: phone.record_call(encounter, current_user, outcome),
                _("The phone call is recorded."))  # fmt: skip


def _run(encounter, action, done: str):
    try:
        action()
        db.session.commit()
    except TCMError as exc:
        db.session.rollback()
        record_refusal(exc)
        message = error_message(exc.code, exc.message, exc.params)
        if wants_json():
            return jsonify({"error": {"code": exc.code, "message": message}}), exc.status
        shown = access.visible_encounter(current_user, encounter.id, *page_loads())
        return render_encounter(shown, exc.status, phone_error=message)
    if wants_json():
        return jsonify({"message": done})
    flash(done)
    return redirect(url_for("core.encounter_view", encounter_id=encounter.id) + "#phone-title")
