"""Printed papers of a herb order: the work sheet that travels with it through the decoction room
and one label per bag (WeasyPrint through tcm_app.pdf), each with the trace QR code. An order
from an outside prescription says so (外院处方: the institution, the writing doctor, the
transcribing and checking pharmacists); it is never printed as the hospital's own."""

from datetime import timedelta

from flask import current_app
from markupsafe import Markup

from decoction import usage
from decoction.models import DecoctionOrder
from decoction.services import orders
from tcm_app.common.masking import mask_name
from tcm_app.models.patients import PregnancyStatus
from tcm_app.models.types import utcnow
from tcm_app.pdf import qr_svg, render_pdf
from tcm_app.services import clock
from tcm_app.services.urls import public_url

METHOD_LABELS = {
    "decoct_first": "先煎",
    "add_near_end": "后下",
    "wrap": "包煎",
    "decoct_separately": "另煎",
    "melt": "烊化",
    "take_mixed": "冲服",
    "normal": "",
}


def trace_url(order: DecoctionOrder) -> str:
    """The public trace page printed as the bag label's QR code."""
    return public_url("decoction.trace", token=order.trace_token)


def _local_date(value):
    return clock.to_clinic(value).strftime("%Y-%m-%d")


def outside(order: DecoctionOrder) -> dict | None:
    """An outside prescription's source as the papers and the trace page show it, or None."""
    record = order.external_submission if order.is_external else None
    if record is None:
        return None
    checkers = [u.full_name for u in (record.decided_by, record.second_pharmacist) if u]
    return {
        "institution": record.institution,
        "doctor": record.doctor_name,
        "rx_number": record.rx_number or "",
        "transcribed_by": record.transcribed_by.full_name if record.transcribed_by else "",
        "checked_by": "、".join(dict.fromkeys(checkers)),
        "reviewed_at": record.decided_at,  # reviewed_at reads None once the record is used
    }


def _common(order: DecoctionOrder) -> dict:
    source = order.source
    patient = source.patient
    url = trace_url(order)
    decocted_on = next((e.occurred_at for e in order.events if e.move == "finish_decoct"), None)
    made = decocted_on or utcnow()
    return {
        "hospital_name": current_app.config["HOSPITAL_NAME"],
        "order": order,
        "outside": outside(order),
        "patient_name": mask_name(patient.legal_name),
        "herbs": [
            {
                "name": h["name"],
                "grams": f"{h['dose_g']:g}",
                "method": METHOD_LABELS.get(h["method"], ""),
            }
            for h in (order.plan or {}).get("herbs", [])
        ]
        or [
            {"name": line.herb.name, "grams": f"{line.dose_g:g}", "method": line.method or ""}
            for line in source.lines
        ],
        "usage": source.usage,
        "decocted_on": _local_date(made),
        "use_by": _local_date(made + timedelta(days=current_app.config["DECOCTION_USE_BY_DAYS"])),
        "qr": qr_svg(url),
        "trace_url": url,
    }


def usage_lines(order: DecoctionOrder) -> list[str]:
    """Decocted bags: bags a day and how to warm them; herb pieces: how to decoct at home."""
    if order.plan:
        return [usage.decocted_usage(order.plan.get("bags_per_packet", 2))]
    return usage.home_decoction(orders.decoction_plan(order.source))


def labels_pdf(order: DecoctionOrder) -> bytes:
    """One label per bag: 第 n/N 袋, decocted on, use by, storage, usage, trace QR (a raw order:
    one). The QR keeps its 4-module quiet zone and sits in its own column, beside the text."""
    context = _common(order)
    total = (order.plan or {}).get("total_bags") or 1
    context["bags"] = range(1, total + 1)
    # The same QR code repeats on every label: drop its element id so ids stay unique.
    context["qr"] = Markup(str(qr_svg(context["trace_url"], border=4)).replace(' id="qr-path"', ""))
    context["usage_lines"] = usage_lines(order)
    context["total_bags"] = total
    return render_pdf("decoction/pdf/labels.html", **context)


def worksheet_pdf(order: DecoctionOrder) -> bytes:
    """The order's work sheet: herbs with methods, the plan's steps, pregnancy when relevant."""
    patient = order.source.patient
    context = _common(order)
    context["pregnancy"] = (
        {
            PregnancyStatus.PREGNANT: "妊娠",
            PregnancyStatus.BREASTFEEDING: "哺乳期",
            PregnancyStatus.UNKNOWN: "未记录",
        }.get(patient.pregnancy_status)
        if patient.sex == "female"
        else None
    )
    context["steps"] = (order.plan or {}).get("steps", [])
    return render_pdf("decoction/pdf/worksheet.html", **context)
