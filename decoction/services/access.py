"""Who may see which herb order: the patient (and guardian) their own; the dispensary all."""

from sqlalchemy import Select, false, select

from decoction.models import DecoctionOrder
from tcm_app.common.errors import NotFoundError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services.access import own_patient_ids

STAFF = (Role.DECOCTION, Role.PHARMACIST, Role.ADMIN)


def orders_query(user) -> Select:
    query = select(DecoctionOrder)
    if user.role in STAFF:
        return query
    if user.role == Role.PATIENT:
        return query.where(DecoctionOrder.patient_id.in_(own_patient_ids(user)))
    return query.where(false())


def visible_order(user, order_id: int) -> DecoctionOrder:
    order = db.session.scalar(orders_query(user).where(DecoctionOrder.id == order_id))
    if order is None:
        raise NotFoundError("order not found")
    return order
