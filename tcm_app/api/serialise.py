"""Rows to plain dicts for the API (personal identifiers masked, blockers computed)."""

from tcm_app.api.schemas import EncounterSchema, PatientSchema
from tcm_app.models.accounts import Role
from tcm_app.services.encounters import prescribing_status


def patient_json(patient) -> dict:
    return PatientSchema().dump(
        {
            "id": patient.id,
            "legal_name": patient.legal_name,
            "id_number_masked": patient.masked_id_number,
            "birth_date": patient.birth_date,
            "sex": patient.sex,
            "phone_masked": patient.masked_phone,
            "pregnancy_status": patient.pregnancy_status,
            "pregnancy_updated_on": patient.pregnancy_updated_on,
            "renal_function": patient.renal_function,
            "renal_function_updated_on": patient.renal_function_updated_on,
            "guardian_id": patient.guardian_id,
        }
    )


# What the clinic desk does not see: it schedules visits, it does not read the medical record.
CLINICAL_FIELDS = (
    "eligibility_reason",
    "inspection_note",
    "listening_note",
    "inquiry_note",
    "palpation_note",
    "diagnoses",
    "documents",
    "termination_note",
)


def encounter_json(encounter, role: str) -> dict:
    """An encounter for the API; the clinic role gets the administrative fields only."""
    if role == Role.CLINIC:
        return EncounterSchema(exclude=CLINICAL_FIELDS).dump(encounter)
    data = EncounterSchema().dump(encounter)
    data["prescribing_blockers"] = list(prescribing_status(encounter))
    return data
