"""Taking a questionnaire (constitution/services/assessments.py): a draft resumes, answers are
checked as they are saved, unanswered questions refuse the submission by name, a submitted
assessment is frozen (by the service and by the database), only the patient or guardian answers."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from constitution.models import Assessment
from constitution.services import assessments
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.constitution.helpers import ccmq, uniform_answers
from tests.factories import create_child, create_patient, create_user


@pytest.fixture
def patient(app):
    return create_patient(sex="female")


def answer_all(assessment, actor, value=2):
    answers = uniform_answers(ccmq(), assessment.sex, value)
    assessments.save_answers(assessment, actor, answers, 12)


def test_an_open_draft_is_resumed_not_duplicated(patient):
    first = assessments.start(patient.user, patient, "ccmq")
    assessments.save_answers(first, patient.user, {"yangxu_1": 3}, 2)
    again = assessments.start(patient.user, patient, "ccmq")
    assert again.id == first.id and again.answers == {"yangxu_1": 3} and again.page == 2


def test_a_save_overlapping_another_keeps_both_saves_answers(patient):
    """The page's script saves a tick in the background while the next page's form saves too:
    the slower save read the draft before the other wrote, and must not write its old answers
    back over the other's."""
    draft = assessments.start(patient.user, patient, "ccmq")
    assessments.save_answers(draft, patient.user, {"yangxu_1": 3}, 1)
    db.session.commit()
    read_before = dict(draft.answers)
    db.session.execute(  # the other request's save, written after this one read the draft
        sa.update(Assessment)
        .where(Assessment.id == draft.id)
        .values(answers={"yangxu_1": 3, "yinxu_1": 2}, page=2, version=Assessment.version + 1)
        .execution_options(synchronize_session=False)
    )
    assert draft.answers == read_before  # this request still holds what it read
    assessments.save_answers(draft, patient.user, {"yangxu_2": 4}, 1)
    db.session.commit()
    db.session.refresh(draft)
    assert draft.answers == {"yangxu_1": 3, "yinxu_1": 2, "yangxu_2": 4}


def test_an_answer_outside_the_choices_is_refused_and_nothing_of_the_page_saved(patient):
    draft = assessments.start(patient.user, patient, "ccmq")
    with pytest.raises(ValidationError) as refused:
        assessments.save_answers(draft, patient.user, {"yangxu_1": 3, "yangxu_2": 9}, 1)
    assert refused.value.fields == {"yangxu_2": ["out_of_range"]}
    db.session.refresh(draft)
    assert draft.answers == {}


def test_the_other_sexs_item_is_refused(patient):
    draft = assessments.start(patient.user, patient, "ccmq")
    with pytest.raises(ValidationError) as refused:
        assessments.save_answers(draft, patient.user, {"shire_7": 1}, 1)
    assert refused.value.fields == {"shire_7": ["not_asked"]}


def test_submitting_with_unanswered_questions_names_them(patient):
    draft = assessments.start(patient.user, patient, "ccmq")
    answers = uniform_answers(ccmq(), "female", 2)
    del answers["qiyu_3"], answers["pinghe_7"]
    assessments.save_answers(draft, patient.user, answers, 12)
    with pytest.raises(ValidationError) as refused:
        assessments.submit(draft, patient.user)
    assert set(refused.value.fields) == {"qiyu_3", "pinghe_7"}
    assert refused.value.params == {"count": 2}


def test_submitting_scores_and_freezes(patient):
    draft = assessments.start(patient.user, patient, "ccmq")
    answer_all(draft, patient.user, 1)
    assessments.submit(draft, patient.user)
    db.session.commit()
    assert draft.status == "submitted" and draft.primary == ["pinghe"]
    assert draft.verdicts["pinghe"] == "yes" and draft.scores["qixu"] == 0
    with pytest.raises(ConflictError):
        assessments.save_answers(draft, patient.user, {"yangxu_1": 5}, 1)
    with pytest.raises(ConflictError):
        assessments.submit(draft, patient.user)


def test_the_database_refuses_changing_a_submitted_assessment(patient):
    draft = assessments.start(patient.user, patient, "ccmq")
    answer_all(draft, patient.user)
    assessments.submit(draft, patient.user)
    db.session.commit()
    with pytest.raises(DBAPIError):
        db.session.execute(
            sa.update(Assessment).where(Assessment.id == draft.id).values(primary=["qixu"])
        )
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(sa.delete(Assessment).where(Assessment.id == draft.id))
    db.session.rollback()


def test_a_guardian_answers_for_a_child(patient):
    child = create_child(patient, years=10)
    draft = assessments.start(patient.user, child, "ccmq")
    assessments.save_answers(draft, patient.user, {"yangxu_1": 2}, 1)
    assert draft.patient_id == child.id and draft.sex == "male"


@pytest.mark.parametrize(
    "role",
    [Role.PATIENT, Role.DOCTOR, Role.CLINIC],
    ids=["another patient", "a doctor", "the desk"],
)
def test_nobody_else_answers(patient, role):
    draft = assessments.start(patient.user, patient, "ccmq")
    stranger = create_user(role)
    with pytest.raises(NotFoundError):
        assessments.save_answers(draft, stranger, {"yangxu_1": 2}, 1)
    with pytest.raises(NotFoundError):
        assessments.answerable_patient(stranger, patient.id)


def test_the_older_peoples_form_is_offered_first_from_65(app):
    older = create_patient(birth=date(1950, 1, 1), sex="male")
    younger = create_patient(sex="male")
    assert [s.code for s in assessments.scales_for_patient(older)] == ["elderly", "ccmq"]
    assert [s.code for s in assessments.scales_for_patient(younger)] == ["ccmq"]
    with pytest.raises(ValidationError) as refused:
        assessments.start(younger.user, younger, "elderly")
    assert refused.value.code == "scale_not_for_age"
