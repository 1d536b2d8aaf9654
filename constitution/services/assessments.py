"""Taking a constitution questionnaire: start (or resume) a draft, save answers page by page,
submit once (scored then, frozen afterwards), and read a patient's assessments. Only the patient
or their guardian answers; staff read. Flushes; the caller commits."""

from sqlalchemy import select

from constitution.models import Assessment, AssessmentRequest
from constitution.scoring import score_answers
from constitution.services import care_plans, scales
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.common.questionnaire import SEXES, Scale, answer_problems
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.patients import Patient
from tcm_app.services.access import own_patient_ids, patients_query
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today, utc_now
from tcm_app.services.patients import patient_age
from tcm_app.services.transitions import move

DRAFT, SUBMITTED = "draft", "submitted"
SAVE_ATTEMPTS = 5  # overlapping saves of one page: a handful at most
FROZEN = ConflictError("a submitted assessment cannot be changed", "assessment_submitted")


def answerable_patient(actor: User, patient_id: int) -> Patient:
    """A patient `actor` may answer for: themselves or a ward. Anyone else is refused."""
    if actor.role != Role.PATIENT or patient_id not in own_patient_ids(actor):
        raise NotFoundError("patient not found", "not_your_patient")
    patient = db.session.get(Patient, patient_id)
    assert patient is not None  # own_patient_ids only lists existing patients
    return patient


def choose_scale(patient: Patient, code: str | None) -> Scale:
    """The scale asked for, if it suits the patient's age; else the one made for their age."""
    usable = scales.scales_for(patient_age(patient))
    if code is None:
        return usable[0]
    chosen = next((scale for scale in usable if scale.code == code), None)
    if chosen is None:
        raise ValidationError("this questionnaire is not for this patient", "scale_not_for_age")
    return chosen


def start(actor: User, patient: Patient, scale_code: str | None = None) -> Assessment:
    """The patient's open draft of that scale (answering resumes), else a new one."""
    scale = choose_scale(patient, scale_code)
    if patient.sex not in SEXES:
        raise ValidationError("the patient's sex is not recorded", "sex_unknown")
    draft = open_draft(patient.id, scale.code)
    if draft is not None:
        return draft
    now = utc_now()
    assessment = Assessment(
        patient_id=patient.id,
        scale_code=scale.code,
        scale_version=scale.version,
        sex=patient.sex,
        age=patient_age(patient),
        answers={},
        page=1,
        request_id=_open_request_id(patient.id),
        started_by_id=actor.id,
        started_at=now,
        updated_at=now,
    )
    db.session.add(assessment)
    db.session.flush()
    record_audit(
        "constitution.start", "constitution_assessment", assessment.id,
        f"constitution questionnaire {scale.code} started", actor=actor,
    )  # fmt: skip
    return assessment


def open_draft(patient_id: int, scale_code: str) -> Assessment | None:
    return db.session.scalar(
        select(Assessment)
        .where(
            Assessment.patient_id == patient_id,
            Assessment.scale_code == scale_code,
            Assessment.status == DRAFT,
        )
        .order_by(Assessment.id.desc())
        .limit(1)
    )


def _open_request_id(patient_id: int) -> int | None:
    return db.session.scalar(
        select(AssessmentRequest.id)
        .where(AssessmentRequest.patient_id == patient_id, AssessmentRequest.status == "open")
        .order_by(AssessmentRequest.id.desc())
        .limit(1)
    )


def own_assessment(actor: User, assessment_id: int) -> Assessment:
    """An assessment of a patient `actor` answers for (patient or guardian)."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.patient_id not in own_patient_ids(actor):
        raise NotFoundError("assessment not found")
    return assessment


def visible_assessment(actor: User, assessment_id: int) -> Assessment:
    """An assessment the actor may read: their own or a ward's; a doctor's patients'; the desk."""
    visible = patients_query(actor).with_only_columns(Patient.id)
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.id == assessment_id, Assessment.patient_id.in_(visible))
    )
    if assessment is None:
        raise NotFoundError("assessment not found")
    return assessment


def scale_of(assessment: Assessment) -> Scale:
    return scales.scale(assessment.scale_code)


def save_answers(assessment: Assessment, actor: User, given: dict, page: int) -> None:
    """Merge the answers of one page into the draft and remember where answering resumes. An
    answer the questionnaire does not take is refused with the item it names; nothing of the
    page is saved then."""
    _require_answerer(assessment, actor)
    scale = scale_of(assessment)
    problems = {
        code: problem
        for code, problem in answer_problems(scale, assessment.sex, given).items()
        if problem != "missing"
    }
    if problems:
        fields = {code: [problem] for code, problem in problems.items()}
        raise ValidationError("an answer is not one of the choices", "bad_answer_choice", fields)
    # Ticks are saved in the background while the page turns, so two saves of one draft can
    # overlap: each merges onto the version it read and retries when another save won, so no
    # answer is lost to a stale write.
    for _attempt in range(SAVE_ATTEMPTS):
        values = {"answers": {**assessment.answers, **given}, "page": page, "updated_at": utc_now()}
        if move(
            assessment,
            expected=DRAFT,
            values=values,
            where=[Assessment.version == assessment.version],
        ):
            return
        if assessment.status != DRAFT:
            raise FROZEN
    raise ConflictError("the answers changed meanwhile; please tick again", "answers_busy")


def _require_answerer(assessment: Assessment, actor: User) -> None:
    if actor.role != Role.PATIENT or assessment.patient_id not in own_patient_ids(actor):
        raise NotFoundError("assessment not found")
    if assessment.status != DRAFT:
        raise FROZEN


def unanswered(assessment: Assessment) -> list[str]:
    """The item codes still to answer, in the order they are asked."""
    scale = scale_of(assessment)
    return [
        item.code for item in scale.questions(assessment.sex) if item.code not in assessment.answers
    ]


def submit(assessment: Assessment, actor: User) -> Assessment:
    """Score and freeze the draft. Unanswered questions are refused by name (fields)."""
    _require_answerer(assessment, actor)
    missing = unanswered(assessment)
    if missing:
        raise ValidationError(
            "answer every question before submitting",
            "questions_unanswered",
            fields={code: ["missing"] for code in missing},
            params={"count": len(missing)},
        )
    result = score_answers(scale_of(assessment), assessment.sex, assessment.answers)
    printed = result.to_dict()
    move(
        assessment,
        expected=DRAFT,
        values={
            "status": SUBMITTED,
            "submitted_at": utc_now(),
            "submitted_by_id": actor.id,
            "scores": printed["scores"],
            "verdicts": printed["verdicts"],
            "primary": printed["primary"],
            "tendencies": printed["tendencies"],
        },
        refusal=FROZEN,
    )
    _close_request(assessment)
    care_plans.reassessed(assessment.patient_id, clinic_today())
    record_audit(
        "constitution.submit", "constitution_assessment", assessment.id,
        f"constitution questionnaire submitted: {', '.join(result.primary) or '-'}",
        {"primary": result.primary, "tendencies": result.tendencies}, actor=actor,
    )  # fmt: skip
    return assessment


def _close_request(assessment: Assessment) -> None:
    if assessment.request_id is None:
        return
    request = db.session.get(AssessmentRequest, assessment.request_id)
    if request is not None and request.status == "open":
        move(request, expected="open", values={"status": "done", "done_at": utc_now()})


def submitted_for(patient_id: int, scale_code: str | None = None) -> list[Assessment]:
    """A patient's submitted assessments, oldest first (of one scale, if given)."""
    query = select(Assessment).where(
        Assessment.patient_id == patient_id, Assessment.status == SUBMITTED
    )
    if scale_code is not None:
        query = query.where(Assessment.scale_code == scale_code)
    return list(db.session.scalars(query.order_by(Assessment.submitted_at, Assessment.id)))


def submitted_by_patient(patient_ids: set[int]) -> dict[int, list[Assessment]]:
    """submitted_for of several patients in one query (every scale), by patient id."""
    found: dict[int, list[Assessment]] = {patient_id: [] for patient_id in patient_ids}
    if patient_ids:
        query = select(Assessment).where(
            Assessment.patient_id.in_(patient_ids), Assessment.status == SUBMITTED
        )
        for assessment in db.session.scalars(
            query.order_by(Assessment.submitted_at, Assessment.id)
        ):
            found[assessment.patient_id].append(assessment)
    return found


def drafts_for(patient_id: int) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.patient_id == patient_id, Assessment.status == DRAFT)
            .order_by(Assessment.id)
        )
    )


def previous_of(assessment: Assessment) -> Assessment | None:
    """The same patient's last submitted assessment of the same scale before this one."""
    return previous_in(submitted_for(assessment.patient_id, assessment.scale_code), assessment)


def previous_in(submitted: list[Assessment], assessment: Assessment) -> Assessment | None:
    """previous_of from the patient's submitted assessments, oldest first (as submitted_for)."""
    earlier = [
        other
        for other in submitted
        if other.scale_code == assessment.scale_code
        and other.id != assessment.id
        and other.submitted_at is not None
        and assessment.submitted_at is not None
        and other.submitted_at <= assessment.submitted_at
    ]
    return earlier[-1] if earlier else None


def scales_for_patient(patient: Patient) -> list[Scale]:
    return scales.scales_for(patient_age(patient))


def open_requests(patient_id: int) -> list[AssessmentRequest]:
    return list(
        db.session.scalars(
            select(AssessmentRequest)
            .where(AssessmentRequest.patient_id == patient_id, AssessmentRequest.status == "open")
            .order_by(AssessmentRequest.id)
        )
    )


def submit_whole(actor: User, patient: Patient, scale_code: str | None, answers: dict):
    """A whole questionnaire at once (the API): every question answered usably, or refused
    with each problem by item; then started, saved and submitted as the pages do."""
    scale = choose_scale(patient, scale_code)
    if patient.sex not in SEXES:
        raise ValidationError("the patient's sex is not recorded", "sex_unknown")
    problems = answer_problems(scale, patient.sex, answers)
    if problems:
        raise ValidationError(
            "answers are missing or unusable",
            "bad_answers",
            fields={code: [problem] for code, problem in problems.items()},
            params={"count": len(problems)},
        )
    assessment = start(actor, patient, scale.code)
    save_answers(assessment, actor, dict(answers), 1)
    return submit(assessment, actor)


def submitted_query(patient_ids: list[int]):
    """Submitted assessments of these patients, latest first."""
    return (
        select(Assessment)
        .where(Assessment.patient_id.in_(patient_ids), Assessment.status == SUBMITTED)
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
    )
