"""Demo herb orders: two finished online follow-ups of the demo patient, each with a prescription
the pharmacist approved; one is ordered (代煎, delivery) and paid at the counter, so it waits in
the decoction room, the other is left for the patient to order and pay through the sandbox."""

from decoction.services import orders, payments
from herbs.services import prescriptions
from tcm_app.services import clock, documents, encounters

# 理中丸 (《伤寒论》) as a decoction, for 脾阳虚 (the demo patient's diagnosis).
LIZHONG = [
    {"name": "党参", "dose_g": 15},
    {"name": "白术", "dose_g": 12},
    {"name": "干姜", "dose_g": 6},
    {"name": "炙甘草", "dose_g": 6},
]


def _approved_prescription(patient, user, doctor, pharmacist, proof: bytes, signing, diagnosis):
    visit = encounters.request_encounter(
        user, patient, doctor, "online_followup", "胃脘隐痛，续方", clock.clinic_today()
    )
    encounters.start_encounter(visit, doctor)
    documents.add_document(visit, user, "outpatient_record", "门诊病历.png", proof)
    encounters.decide_eligibility(visit, doctor, "eligible", "门诊病历明确诊断胃络痛（脾阳虚证）")
    encounters.record_diagnosis(visit, doctor, **diagnosis)
    rx = prescriptions.open_draft(visit, doctor)
    prescriptions.save_draft(rx, doctor, LIZHONG, 7, "每日1剂，水煎分早晚两次温服")
    prescriptions.sign(rx, doctor, signing, {})
    prescriptions.review(rx, pharmacist, True, "", signing)
    encounters.complete_encounter(visit, doctor)
    return rx


def seed_orders(patient, user, address, doctor, pharmacist, clerk, proof, signing, diagnosis):
    """An order waiting in the decoction room (paid) and an approved prescription to order, on
    visits with the demo patient's diagnosis (record_diagnosis keywords)."""
    waiting = _approved_prescription(patient, user, doctor, pharmacist, proof, signing, diagnosis)
    order = orders.place_order(waiting, user, "decocted", "delivery", address.id)
    payments.mark_paid(order, clerk, f"demo-counter-{order.id}")
    _approved_prescription(patient, user, doctor, pharmacist, proof, signing, diagnosis)


def seed_demo(world) -> None:
    """The decoction part of `flask seed-demo` (world: tcm_app.services.demo.DemoWorld)."""
    seed_orders(
        world.patient,
        world.patient.user,
        world.address,
        world.doctor,
        world.staff["demo-pharmacist"],
        world.staff["demo-decoction"],
        world.record_image,
        world.signing_password,
        world.diagnosis,
    )
