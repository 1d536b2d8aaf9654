"""Herb order pages: the patient orders from an approved prescription and follows it; the
decoction room works its queue stage by stage; a public page traces an order from its QR code."""

import uuid
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import load_only

from decoction import stages
from decoction.forms import MoveForm, OrderForm
from decoction.models import DecoctionOrder
from decoction.ordering import Handover, Preparation
from decoction.services import access, documents, orders, payments, sources
from herbs.services.access import visible_prescription
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db
from tcm_app.forms import PaymentSandboxForm
from tcm_app.labels import choices
from tcm_app.models.accounts import Role
from tcm_app.models.patients import Address
from tcm_app.services import payments as core_payments
from tcm_app.services.clock import utc_now
from tcm_app.views.auth import safe_next
from tcm_app.views.form_action import form_action
from tcm_app.views.guards import public, roles_required
from tcm_app.views.helpers import flash_error
from tcm_app.views.responses import pdf_response

# Its scripts are served from <domain>/static at /decoction/static/ (endpoint decoction.static).
bp = Blueprint("decoction", __name__, url_prefix="/decoction", static_folder="static")


def _addresses(patient_id: int) -> list[Address]:
    return db.session.scalars(
        select(Address).where(Address.patient_id == patient_id, Address.archived_at.is_(None))
    ).all()


@bp.route("/prescriptions/<int:prescription_id>/order", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def order_new(prescription_id: int):
    """Choose 代煎 or 饮片 and delivery or pickup, see the itemised price, place the order."""
    rx = visible_prescription(current_user, prescription_id)
    return _order_form(rx, url_for("herbs.prescription_view", prescription_id=rx.id))


@bp.route("/external/<int:submission_id>/order", methods=["GET", "POST"])
@roles_required(Role.PATIENT)
def external_order_new(submission_id: int):
    """The same order form for an approved outside prescription (外院处方): its own or a ward's."""
    record = sources.visible_external(current_user, submission_id)
    return _order_form(record, url_for("external_rx.submission", submission_id=record.id))


def _order_form(source, back: str):
    form = OrderForm()
    addresses = _addresses(source.patient_id)
    form.address_id.choices = choices((a.id, f"{a.recipient} · {a.region}") for a in addresses)
    return form_action(
        form,
        lambda: orders.place_order(
            source, current_user, form.preparation.data, form.handover.data, form.address_id.data
        ),
        lambda status: _order_page(source, back, form, bool(addresses), status),
        done=_("Order placed. Pay to start the decoction."),
        then=lambda order: url_for("decoction.order_view", order_id=order.id),
        invalid_status=422,
        refused_status=422,
        category="success",
    )


def _order_page(source, back: str, form: OrderForm, has_address: bool, status: int):
    quotes = {(p, h): orders.quote_for(source, p, h) for p in Preparation for h in Handover}
    page = render_template(
        "decoction/order_new.html",
        rx=source,
        outside=sources.is_external(source),
        back=back,
        form=form,
        quotes=quotes,
        has_address=has_address,
    )
    return page, status


@bp.route("/orders")
@roles_required(Role.PATIENT)
def my_orders():
    """The patient's orders, newest first, with the messages about them."""
    mine = db.session.scalars(
        access.orders_query(current_user).order_by(DecoctionOrder.id.desc())
    ).all()
    return render_template("decoction/my_orders.html", orders=mine)


@bp.route("/orders/<int:order_id>")
@roles_required(Role.PATIENT, *access.STAFF)
def order_view(order_id: int):
    order = access.visible_order(current_user, order_id)
    return render_template(
        "decoction/order_view.html",
        order=order,
        move_key=uuid.uuid4().hex,
        staff=current_user.role in access.STAFF,
        payment=payments.order_payment(order),
        pay_form=PaymentSandboxForm(),
    )


@bp.route("/orders/<int:order_id>/pay", methods=["POST"])
@roles_required(Role.PATIENT)
def order_pay(order_id: int):
    """The patient pays: to the payment provider's page, which brings them back here."""
    order = access.visible_order(current_user, order_id)
    back = url_for("decoction.order_view", order_id=order_id)
    if not PaymentSandboxForm().validate_on_submit():
        flash(_("The form expired. Reload and try again."), "error")
        return redirect(back)
    try:
        payment = payments.start_payment(order, current_user)
        db.session.commit()
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
        return redirect(back)
    return redirect(core_payments.provider(payment.provider).checkout_url(payment) or back)


@bp.route("/orders/<int:order_id>/cancel", methods=["POST"])
@roles_required(Role.PATIENT, *access.STAFF)
def order_cancel(order_id: int):
    """Cancel before dispensing; a paid order is refunded through its provider."""
    order = access.visible_order(current_user, order_id)
    form = MoveForm()
    if not form.validate():
        flash(_("The form expired. Reload and try again."), "error")
    else:
        try:
            payments.cancel_order(order, current_user, form.move_key.data)
            db.session.commit()
            flash(_("The order is cancelled."), "success")
        except TCMError as exc:
            db.session.rollback()
            flash_error(exc)
    return redirect(url_for("decoction.order_view", order_id=order_id))


@bp.route("/orders/<int:order_id>/timeline")
@roles_required(Role.PATIENT, *access.STAFF)
def order_timeline(order_id: int):
    """The stages so far, for the order page's live timeline."""
    order = access.visible_order(current_user, order_id)
    return jsonify(
        {
            "status": order.status,
            "events": [
                {"move": e.move, "to": e.to_status, "at": e.occurred_at.isoformat()}
                for e in order.events
            ],
        }
    )


@bp.route("/orders/<int:order_id>/moves", methods=["POST"])
@roles_required(*access.STAFF)
def order_move(order_id: int):
    """One stage move from the work queue or the order page."""
    order = access.visible_order(current_user, order_id)
    form = MoveForm()
    back = redirect(
        safe_next(request.form.get("next")) or url_for("decoction.order_view", order_id=order_id)
    )
    if not form.validate():
        flash(_("The form expired. Reload and try again."), "error")
        return back
    try:
        if form.move.data == stages.Move.PAY:
            payments.mark_paid(order, current_user, form.move_key.data)
        else:
            orders.apply_move(
                order, form.move.data, current_user, move_data(order), form.move_key.data
            )
        db.session.commit()
        flash(_("Recorded."), "success")
    except TCMError as exc:
        db.session.rollback()
        flash_error(exc)
    return back


def _int(name: str) -> int | None:
    try:
        return int(request.form.get(name, ""))
    except ValueError:
        return None


def move_data(order: DecoctionOrder) -> dict:
    """The fields a move records, read from the submitted form."""
    form = request.form
    return {
        "weighed_g": {
            line.herb.name: form.get(f"weighed-{line.herb.name}", "") for line in order.source.lines
        },
        "machine": form.get("machine", ""),
        "bags": _int("bags"),
        "ml_per_bag": _int("ml_per_bag"),
        "courier": form.get("courier", ""),
        "tracking_number": form.get("tracking_number", ""),
        "reason": form.get("reason"),
        "note": form.get("note", ""),
        "formula_type": form.get("formula_type"),
    }


@bp.route("/orders/<int:order_id>/labels.pdf")
@roles_required(*access.STAFF)
def order_labels(order_id: int):
    pdf = documents.labels_pdf(access.visible_order(current_user, order_id))
    return pdf_response(pdf, "labels.pdf", inline=True)


@bp.route("/orders/<int:order_id>/worksheet.pdf")
@roles_required(*access.STAFF)
def order_worksheet(order_id: int):
    pdf = documents.worksheet_pdf(access.visible_order(current_user, order_id))
    return pdf_response(pdf, "worksheet.pdf", inline=True)


# The room's work first, stage by stage; orders still waiting for payment last.
WORK_ORDER = [
    *(s for s in stages.Status if s != stages.Status.PENDING_PAYMENT),
    stages.Status.PENDING_PAYMENT,
]


BOARD_COLUMNS = (
    DecoctionOrder.id,
    DecoctionOrder.status,
    DecoctionOrder.preparation,
    DecoctionOrder.handover,
    DecoctionOrder.stage_entered_at,
)


@bp.route("/queue")
@roles_required(*access.STAFF)
def work_queue():
    """Orders by stage, oldest first; those waiting too long in a stage are marked."""
    active = db.session.scalars(
        select(DecoctionOrder)
        # The board shows a line per order: its plan and price lines (JSON) stay unread.
        .options(load_only(*BOARD_COLUMNS, raiseload=True))
        .where(DecoctionOrder.status.not_in([s.value for s in stages.FINAL]))
        .order_by(DecoctionOrder.stage_entered_at)
    ).all()
    by_stage = {}
    for order in active:
        by_stage.setdefault(order.status, []).append(order)
    return render_template(
        "decoction/queue.html",
        by_stage=by_stage,
        stages=WORK_ORDER,
        stuck_before=utc_now() - timedelta(hours=current_app.config["DECOCTION_STUCK_HOURS"]),
        move_key=uuid.uuid4().hex,
    )


@bp.route("/trace/<token>")
@public
def trace(token: str):
    """What happened to an order, from its label's QR code: no login and no personal data."""
    order = db.session.scalar(select(DecoctionOrder).where(DecoctionOrder.trace_token == token))
    if order is None:
        return render_template("decoction/trace.html", order=None), 404
    return render_template("decoction/trace.html", order=order, outside=documents.outside(order))
