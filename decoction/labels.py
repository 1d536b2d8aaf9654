"""Labels (translated) of the decoction domain's codes: herb orders (代煎: statuses, choices,
exception reasons). The domain's setup.py registers them with the core's table
(tcm_app/labels.py)."""

from flask_babel import lazy_gettext as _l

LABELS = {
    # herb orders (代煎): statuses, choices, exception reasons
    "order_pending_payment": _l("Waiting for payment"),
    "order_paid": _l("Paid"),
    "order_dispensed": _l("Dispensed (调配)"),
    "order_checked": _l("Checked (复核)"),
    "order_soaking": _l("Soaking"),
    "order_soaked": _l("Soaked"),
    "order_decocting": _l("Decocting"),
    "order_decocted": _l("Decocted"),
    "order_packaged": _l("Packaged"),
    "order_shipped": _l("Shipped"),
    "order_delivered": _l("Delivered"),
    "order_picked_up": _l("Picked up"),
    "order_on_hold": _l("On hold"),
    "order_expired": _l("Lapsed unpaid"),
    "order_cancelled": _l("Cancelled"),
    "prep_decocted": _l("Decocted (代煎)"),
    "prep_raw": _l("Raw pieces (饮片)"),
    "handover_delivery": _l("Delivery"),
    "handover_pickup": _l("Pickup at the clinic"),
    "order_hold_shortage": _l("Shortage"),
    "order_hold_damaged": _l("Damaged"),
    "order_hold_returned": _l("Returned"),
    "order_hold_other": _l("Other"),
    "system": _l("System"),
    "formula_ordinary": _l("Ordinary (一般药, 20–30 min)"),
    "formula_aromatic": _l("Exterior-releasing or aromatic (解表/芳香, 15–20 min)"),
    "formula_tonic": _l("Tonic (滋补, 40–60 min)"),
}

ERROR_MESSAGES = {
    # herb orders
    "already_ordered": _l("This prescription already backs an order."),
    "expired": _l("This prescription has expired. Ask the doctor again."),
    "toxic_not_delivered": _l(
        "This prescription holds a herb on the list of toxic medicines, which is dispensed in "
        "the hospital only. Choose pickup at the clinic."
    ),
    "toxic_unsealed": _l(
        "This outside prescription holds a herb on the list of toxic medicines: it can be "
        "dispensed only from a prescription bearing the official seal of the institution that "
        "wrote it."
    ),
    "not_supplied": _l(
        "A herb on this prescription is not supplied by this pharmacy. Ask the doctor for a new "
        "prescription."
    ),
    "address_required": _l("Choose a delivery address from your address book."),
    "not_orderable": _l("This prescription cannot be ordered."),
    "invalid_formula_type": _l("Choose the decoction type."),
    "wrong_stage": _l("That step cannot be done now: stages are done in order."),
    "not_paid": _l("The order is not paid: nothing is shipped before payment."),
    "weighing_out_of_tolerance": _l(
        "A weighed amount is more than 5% away from the prescription. Re-weigh."
    ),
    "weighing_incomplete": _l("Record the weighed grams of every herb."),
    "same_person": _l("The check must be done by someone other than the dispenser."),
    "soak_too_short": _l("Soaking has not reached its minimum time yet."),
    "decoct_too_short": _l("Decocting has not reached its minimum time yet."),
    "machine_required": _l("Name the decoction machine."),
    "bag_count": _l("The bag count does not match the plan."),
    "bag_volume": _l("Record the volume of a bag (20 to 600 ml)."),
    "tracking_required": _l("Give the courier and its tracking number."),
    "order_changed": _l("The order moved on meanwhile. Reload."),
    "not_staff": _l("Only the decoction room moves orders."),
}

# Names of the audit log's actions and objects of this domain (tcm_app/views/audit_labels.py).
AUDIT_ACTIONS = {
    "order.place": _l("Herb order placed"),
    "order.pay": _l("Order paid"),
    "order.dispense": _l("Herbs dispensed"),
    "order.check": _l("Dispensing checked"),
    "order.start_soak": _l("Soaking started"),
    "order.finish_soak": _l("Soaking finished"),
    "order.start_decoct": _l("Decocting started"),
    "order.finish_decoct": _l("Decocting finished"),
    "order.package": _l("Order packaged"),
    "order.ship": _l("Order shipped"),
    "order.deliver": _l("Order delivered"),
    "order.pick_up": _l("Order picked up"),
    "order.hold": _l("Order put on hold"),
    "order.resume": _l("Order resumed"),
    "order.expire": _l("Unpaid order lapsed"),
    "order.cancel": _l("Order cancelled"),
    "order.refund": _l("Order refunded"),
}

AUDIT_OBJECTS = {
    "order": _l("Herb order"),
}
