"""Payment pages: the sandbox provider's page (it stands in for a gateway's), the providers'
callback endpoint, and the patient's pay button for an online visit's fee."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tcm_app.common.errors import NotFoundError, TCMError
from tcm_app.extensions import csrf, db
from tcm_app.forms import PaymentSandboxForm
from tcm_app.models.accounts import Role
from tcm_app.models.payments import PaymentStatus
from tcm_app.services import access, payments, visit_fees
from tcm_app.services.audit import record_refusal
from tcm_app.views.blueprint import core_bp
from tcm_app.views.guards import public, roles_required
from tcm_app.views.helpers import flash_error


def _own_payment(token: str):
    payment = payments.by_reference(token)
    if payment is None or payment.patient_id not in access.own_patient_ids(current_user):
        raise NotFoundError("payment not found")
    return payment


@core_bp.route("/payments/sandbox/<token>", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def payment_sandbox(token: str):
    """The sandbox gateway's page: the patient confirms or cancels; it then signs the callback
    and hands it to the same handler as the callback endpoint (it lives inside this app)."""
    payment = _own_payment(token)
    form = PaymentSandboxForm()
    if payment.provider != "sandbox":
        raise NotFoundError("payment not found")
    if form.validate_on_submit() and payment.status == PaymentStatus.CREATED:
        outcome = "paid" if form.confirm.data else "cancelled"
        sandbox = payments.provider("sandbox")
        body = sandbox.notice_body(payment, outcome)
        headers = {payments.SIGNATURE_HEADER: sandbox.sign(body)}
        payments.receive_notice("sandbox", body, headers)
        db.session.commit()
        done = payment.status == PaymentStatus.PAID
        flash(_("Payment received.") if done else _("Payment cancelled."), "success")
        return redirect(payments.return_url(payment))
    return render_template(
        "core/payments/sandbox.html",
        payment=payment,
        form=form,
        back=payments.return_url(payment),
    )


@core_bp.route("/payments/notify/<provider_name>", methods=["POST"])
@public
@csrf.exempt
def payment_notify(provider_name: str):
    """A provider's callback (server to server): JSON in and out; refusals are audited."""
    try:
        payment = payments.receive_notice(provider_name, request.get_data(), request.headers)
    except TCMError as exc:
        db.session.rollback()
        record_refusal(exc)
        return jsonify({"error": {"code": exc.code, "message": exc.message}}), exc.status
    db.session.commit()
    return jsonify({"reference": payment.reference, "status": payment.status})


@core_bp.route("/encounters/<int:encounter_id>/pay", methods=["POST"])
@roles_required(Role.PATIENT)
def encounter_pay(encounter_id: int):
    """The patient pays the online visit's fee: to the provider's page, then back here."""
    encounter = access.visible_encounter(current_user, encounter_id)
    back = url_for("core.encounter_view", encounter_id=encounter_id)
    if not PaymentSandboxForm().validate_on_submit():
        flash(_("The form expired. Reload and try again."), "error")
        return redirect(back)
    try:
        payment = visit_fees.start_payment(encounter, current_user)
        db.session.commit()
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
        return redirect(back)
    return redirect(payments.provider(payment.provider).checkout_url(payment) or back)
