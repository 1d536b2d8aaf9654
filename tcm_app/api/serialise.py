"""Rows to plain dicts for the API (personal identifiers masked, blockers computed)."""

from tcm_app.api.schemas import EncounterSchema, PatientSchema
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
            "guardian_id": patient.guardian_id,
        }
    )


def encounter_json(encounter) -> dict:
    data = EncounterSchema().dump(encounter)
    data["diagnoses"] = [
        d
        for d, row in zip(data["diagnoses"], encounter.diagnoses, strict=True)
        if row.retired_at is None
    ]
    data["documents"] = [
        d
        for d, row in zip(data["documents"], encounter.documents, strict=True)
        if row.withdrawn_at is None
    ]
    data["prescribing_blockers"] = list(prescribing_status(encounter))
    return data
