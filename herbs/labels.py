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

ERROR_MESSAGES = {
    # repeat prescriptions (续方)
    "prescription_still_valid": _l(
        "This prescription is still valid: order the herbs from it instead of renewing it."
    ),
    "not_renewable": _l("Only a dispensed prescription can be renewed."),
    "renewal_pending": _l("A renewal of this prescription is already waiting for the doctor."),
    "renewal_too_late": _l(
        "A renewal is asked within %(days)s days of the prescription; please book a visit."
    ),
    "in_person_needed": _l(
        "This prescription has been renewed %(max)s times in a row; the doctor needs to see you "
        "in person before another."
    ),
    "update_too_long": _l("At most 1000 characters."),
    "renewal_decided": _l("This renewal is already decided."),
}

# Names of the audit log's actions and objects of this domain (tcm_app/views/audit_labels.py).
AUDIT_ACTIONS = {
    "prescription.renewal_request": _l("Renewal asked"),
    "prescription.renewal_voice": _l("Renewal update said in a voice note"),
    "prescription.renewal_refused": _l("Renewal refused"),
    "prescription.renewal_renew": _l("Prescription renewed into a new draft"),
    "prescription.renewal_decline": _l("Renewal declined"),
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
