"""Demo herb orders: two finished online follow-ups of the demo patient, each with a prescription
the pharmacist approved; one is ordered (代煎, delivery) and paid at the counter, so it waits in
the decoction room, the other is left for the patient to order and pay through the sandbox. The
demo elder's medicine (饮片, delivery) is on its way: dispensed, checked, packed and shipped."""

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


def seed_shipped_order(patient, address, doctor, pharmacist, staff, proof, signing, diagnosis):
    """An approved 理中汤 of `patient`, ordered as pieces for delivery, paid at the counter and
    moved by the decoction room (`staff`: dispenser, checker) up to shipped."""
    user = patient.user
    rx = _approved_prescription(patient, user, doctor, pharmacist, proof, signing, diagnosis)
    order = orders.place_order(rx, user, "raw", "delivery", address.id)
    dispenser, checker = staff
    payments.mark_paid(order, dispenser, f"demo-counter-{order.id}")
    weighed = {herb["name"]: herb["dose_g"] * order.packets for herb in LIZHONG}
    orders.apply_move(order, "dispense", dispenser, {"weighed_g": weighed}, "demo-dispense")
    orders.apply_move(order, "check", checker, {}, "demo-check")
    orders.apply_move(order, "package", dispenser, {}, "demo-package")
    shipping = {"courier": "顺丰速运", "tracking_number": f"SF{order.id:010d}"}
    orders.apply_move(order, "ship", dispenser, shipping, "demo-ship")
    return order


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
    if world.elder is not None:
        seed_shipped_order(
            world.elder,
            world.elder_address,
            world.doctor,
            world.staff["demo-pharmacist"],
            (world.staff["demo-decoction"], world.staff["demo-decoction2"]),
            world.record_image,
            world.signing_password,
            world.diagnosis,
        )
