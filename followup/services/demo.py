"""Demo follow-up for demo-patient (王丽): the demo doctor's 中药疗程随访 plan on her dispensed
prescription, begun four days ago; her day-3 questionnaire is answered with a mild reaction (an
alert on the doctor's follow-up list), and she has reported loose stools as an adverse reaction,
waiting for the pharmacist's assessment. Built through the services, as a person would."""

from datetime import timedelta

from sqlalchemy import select

from followup.services import plans, reactions, tasks
from herbs.models import Prescription
from tcm_app.extensions import db
from tcm_app.services.clock import clinic_today

DAY_3 = {"symptoms": 2, "taken": 1, "reaction": 2, "stool": 2, "appetite": 2, "sleep": 3}


def seed_demo(world) -> None:
    patient, doctor = world.patient, world.doctor
    prescription = db.session.scalar(
        select(Prescription)
        .where(
            Prescription.patient_id == patient.id, Prescription.status.in_(reactions.DISPENSABLE)
        )
        .order_by(Prescription.id)
    )
    if prescription is None:  # the herb demo made none (a trimmed set of domains)
        return
    plan = plans.create_plan(
        doctor, prescription.encounter, template_code="herbal_course", tasks=[],
        start_on=clinic_today() - timedelta(days=4), note="服药期间忌生冷油腻，按时填写随访问卷。",
        prescription_id=prescription.id,
    )  # fmt: skip
    tasks.answer(plan.tasks[0], patient.user, DAY_3, "服药第二天起大便稍稀，其余尚好。")
    reactions.report(
        patient.user, prescription, onset_on=clinic_today(),
        severity="mild", description="服药第二天起大便偏稀，每日两次，无腹痛。",
        suspected=[],
    )  # fmt: skip
