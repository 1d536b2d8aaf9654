"""JSON shapes of herbs, templates and prescriptions."""

from flask_babel import gettext as _

from herbs.services import documents, prescriptions

# Between the names of several look-alikes in one hint (黄芩、茯苓).
NAME_SEPARATOR = "、"


def lookalike_hint(hints) -> str:
    """「注意：易与黄芩混淆」 for a herb's look-alikes; empty when it has none."""
    if not hints:
        return ""
    names = NAME_SEPARATOR.join(hint.other for hint in hints)
    return _("Caution: easily confused with %(names)s", names=names)


def lookalikes_json(hints) -> list[dict]:
    return [
        {
            "name": hint.other,
            "reason": hint.reason,
            "source": hint.source,
            "in_catalogue": hint.other_in_catalogue,
        }
        for hint in hints
    ]


def herb_json(herb, record_id: int, matched: str | None = None, lookalikes=()) -> dict:
    return {
        "id": record_id,
        "code": herb.code,
        "name": herb.name,
        "pinyin": herb.pinyin,
        "initials": herb.initials,
        "latin": herb.latin,
        "aliases": list(herb.aliases),
        "base_code": herb.base_code,
        "processing": herb.processing,
        "category": herb.category,
        "nature": herb.nature,
        "flavours": list(herb.flavours),
        "meridians": list(herb.meridians),
        "dose_min_g": float(herb.dose_min_g) if herb.dose_min_g is not None else None,
        "dose_max_g": float(herb.dose_max_g) if herb.dose_max_g is not None else None,
        "toxicity": herb.toxicity,
        "toxic_28": herb.toxic_28,
        "pregnancy": herb.pregnancy,
        "method": herb.method,
        "price_per_g": str(herb.price_per_g),
        "in_stock": herb.stock_g > 0,
        "source": herb.source,
        "matched": matched or herb.name,
        "lookalikes": lookalikes_json(lookalikes),
        "lookalike_hint": lookalike_hint(lookalikes),
    }


def finding_json(finding) -> dict:
    return finding.as_dict()


def template_json(template) -> dict:
    return {
        "id": template.id,
        "code": template.code,
        "kind": template.kind,
        "number": template.number,
        "name": template.name,
        "book": template.book,
        "usage": template.usage,
        "indication": template.indication,
        "source": template.source,
        "lines": [
            {
                "kind": "adjuvant" if line.is_adjuvant else "herb",  # adjuvant: not a herb (白酒)
                "herb": line.herb_name,
                "herb_id": line.herb_id,
                "original": line.original,
                "dose_g": line.dose_g,
                "method": line.method,
            }
            for line in template.lines
        ],
    }


def prescription_json(prescription, findings=None) -> dict:
    stored = prescription.findings
    finding_rows = [finding_json(f) for f in findings] if findings is not None else stored or []
    return {
        "id": prescription.id,
        "number": documents.prescription_number(prescription),
        "encounter_id": prescription.encounter_id,
        "patient_id": prescription.patient_id,
        "doctor": prescription.doctor.full_name,
        "revision": prescription.revision,
        "previous_id": prescription.previous_id,
        "status": prescriptions.effective_status(prescription),
        "packets": prescription.packets,
        "usage": prescription.usage,
        "diagnosis": prescription.diagnosis_text,
        "diagnoses": [
            {
                "disease_name": d.disease_name,
                "disease_code": d.disease_code,
                "syndrome_name": d.syndrome_name,
                "syndrome_code": d.syndrome_code,
                "method_code": d.method_code,
                "western_name": d.western_name,
                "western_code": d.western_code,
            }
            for d in prescription.encounter.active_diagnoses
        ],
        "patient_age": prescription.patient_age,
        "patient_pregnant": prescription.patient_pregnant,
        "lines": [
            {
                "herb": line.herb.name,
                "herb_code": line.herb.code,
                "written_name": line.written_name,
                "dose_g": line.dose_g,
                "method": line.method,
            }
            for line in prescription.lines
        ],
        "findings": finding_rows,
        "acknowledgements": [
            {
                "finding_key": ack.finding_key,
                "code": ack.code,
                "reason": ack.reason,
                "signed_at": ack.signed_at.isoformat(),
            }
            for ack in prescription.acknowledgements
        ],
        "signed_at": _iso(prescription.signed_at),
        "reviewed_by": prescription.reviewed_by.full_name if prescription.reviewed_by else None,
        "reviewed_at": _iso(prescription.reviewed_at),
        "review_note": prescription.review_note,
        "valid_until": _iso(prescription.valid_until),
        "used_at": _iso(prescription.used_at),
        "version": prescription.version,
        "total_price": prescriptions.herb_cost(prescription),
    }


def _iso(value):
    return value.isoformat() if value else None
