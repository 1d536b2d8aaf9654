"""Demo constitution history for demo-patient (王丽): two questionnaires three months apart, the
first 气虚质, the second after care 基本是平和质 with a 气虚 tendency, so My constitution shows a
trend and the result names the change; the demo doctor's 治未病 care plan for 气虚质."""

from datetime import timedelta

from constitution.models import Assessment, CarePlan
from constitution.scoring import score_answers
from constitution.services import scales
from tcm_app.extensions import db
from tcm_app.services.clock import clinic_today, utc_now
from tcm_app.services.patients import patient_age

# Item → answer as ticked; everything else "rarely" (2), the balanced positives "often" (4).
BEFORE = {"qixu_1": 5, "qixu_2": 4, "qixu_3": 4, "qixu_4": 4, "yangxu_5": 4, "qixu_6": 4,
          "qixu_7": 4, "qixu_8": 4, "pinghe_1": 2, "pinghe_6": 3}  # fmt: skip
AFTER = {"qixu_1": 3, "qixu_2": 2, "qixu_3": 2, "qixu_4": 3, "yangxu_5": 3, "qixu_6": 2,
         "qixu_7": 2, "qixu_8": 3, "pinghe_1": 4, "pinghe_6": 4}  # fmt: skip


def seed_demo(world) -> None:
    patient = world.patient
    scale = scales.scale(scales.STANDARD)
    now = utc_now()
    for days_ago, changed in ((91, BEFORE), (7, AFTER)):
        answers = {item.code: 2 for item in scale.questions(patient.sex)}
        answers.update({code: value for code, value in changed.items() if code in answers})
        result = score_answers(scale, patient.sex, answers).to_dict()
        taken = now - timedelta(days=days_ago)
        db.session.add(
            Assessment(
                patient_id=patient.id,
                scale_code=scale.code,
                scale_version=scale.version,
                sex=patient.sex,
                age=patient_age(patient),
                status="submitted",
                answers=answers,
                page=1,
                started_by_id=patient.user_id,
                started_at=taken,
                updated_at=taken,
                submitted_by_id=patient.user_id,
                submitted_at=taken,
                scores=result["scores"],
                verdicts=result["verdicts"],
                primary=result["primary"],
                tendencies=result["tendencies"],
            )
        )
    db.session.add(
        CarePlan(
            patient_id=patient.id,
            constitution="qixu",
            goal="补气健脾：规律作息，饮食温和，每日散步三十分钟。",
            reassess_days=90,
            next_due=clinic_today() + timedelta(days=83),
            status="active",
            enrolled_by_id=world.doctor.id,
            enrolled_at=now - timedelta(days=91),
        )
    )
    db.session.flush()
