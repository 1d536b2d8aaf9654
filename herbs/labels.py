"""Labels (translated) of the herbs domain's codes: prescriptions (statuses, safety findings and
their severities, formula kinds). The domain's setup.py registers them with the core's table
(tcm_app/labels.py)."""

from flask_babel import lazy_gettext as _l

LABELS = {
    # prescription statuses
    "draft": _l("Draft"),
    "pending_review": _l("Waiting for pharmacist review"),
    "approved": _l("Approved"),
    "rejected": _l("Returned to the doctor"),
    "used": _l("Used"),
    "expired": _l("Expired"),
    "void": _l("Withdrawn"),
    # safety findings and their severities
    "incompatible_18": _l("Eighteen incompatibilities (十八反)"),
    "incompatible_19": _l("Nineteen mutual restraints (十九畏)"),
    "pregnancy_forbidden": _l("Forbidden in pregnancy"),
    "pregnancy_caution": _l("Caution in pregnancy"),
    "toxic": _l("Toxic herb (28-item list)"),
    "dose_above_max": _l("Above the maximum dose"),
    "dose_below_min": _l("Below the minimum dose"),
    "duplicate_herb": _l("Duplicate herb"),
    "unknown_herb": _l("Not in the catalogue"),
    "toxic_dispensed_processed": _l("Toxic herb not written raw: processed form dispensed"),
    "withdrawn_herb": _l("No longer supplied"),
    "aristolochic_acid": _l("Contains aristolochic acid (nephrotoxic)"),
    "not_supplied": _l("Not supplied by this pharmacy"),
    "block": _l("Must be changed"),
    "double_sign": _l("Reason and second signature"),
    "warn": _l("Warning"),
    "info": _l("For the doctor"),
    "classical": _l("Classical formula"),
    "agreed": _l("Agreed formula"),
}

ERROR_MESSAGES = {}

# Names of the audit log's actions and objects of this domain (tcm_app/views/audit_labels.py).
AUDIT_ACTIONS = {
    "prescription.access": _l("Prescription opened"),
    "prescription.create": _l("Prescription draft opened"),
    "prescription.edit": _l("Prescription draft saved"),
    "prescription.sign": _l("Prescription signed"),
    "prescription.review": _l("Prescription reviewed"),
    "prescription.revise": _l("Prescription revised"),
    "prescription.release": _l("Prescription released"),
    "prescription.expire": _l("Prescription expired"),
    "prescription.use": _l("Prescription used for an order"),
    "herbs.import": _l("Herb catalogue imported"),
    "herbs.import_formulas": _l("Formula templates imported"),
}

AUDIT_OBJECTS = {
    "prescription": _l("Prescription"),
    "herb_catalogue": _l("Herb catalogue"),
    "formula_templates": _l("Formula templates"),
}
