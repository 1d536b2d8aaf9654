"""The prescribing gate and the other online-care rules (《互联网诊疗监管细则》, 2022)."""

import pytest

from tcm_app.common.online_care import (
    Eligibility,
    EncounterFacts,
    EncounterKind,
    EncounterStatus,
    OnlineCareError,
    may_enable_online,
    needs_guardian,
    prescribing_blockers,
    require_recordable_eligibility,
)

pytestmark = pytest.mark.pure

READY = EncounterFacts(
    kind=EncounterKind.ONLINE_FOLLOWUP,
    status=EncounterStatus.IN_PROGRESS,
    eligibility=Eligibility.ELIGIBLE,
    prior_diagnosis_documents=1,
    patient_age=40,
    guardian_present=False,
    doctor_online_enabled=True,
)


def facts(**changes) -> EncounterFacts:
    return EncounterFacts(**{**READY.__dict__, **changes})


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({}, (), id="eligible-followup-with-proof-may-prescribe"),
        pytest.param(
            {"prior_diagnosis_documents": 0, "eligibility": Eligibility.UNDECIDED},
            ("no_prior_diagnosis_document", "eligibility_undecided"),
            id="followup-without-proof-or-decision-blocked",
        ),
        pytest.param(
            {"eligibility": Eligibility.UNDECIDED},
            ("eligibility_undecided",),
            id="proof-alone-is-not-enough-doctor-must-decide",
        ),
        pytest.param(
            {"eligibility": Eligibility.NOT_ELIGIBLE},
            ("not_eligible",),
            id="not-eligible-followup-blocked",
        ),
        pytest.param(
            {"status": EncounterStatus.TERMINATED},
            ("encounter_not_open",),
            id="terminated-visit-locks-prescribing",
        ),
        pytest.param(
            {"status": EncounterStatus.COMPLETED},
            ("encounter_not_open",),
            id="completed-visit-locks-prescribing",
        ),
        pytest.param(
            {"kind": EncounterKind.ONLINE_CONSULTATION},
            ("consultation_cannot_prescribe",),
            id="consultation-never-prescribes",
        ),
        pytest.param(
            {"doctor_online_enabled": False},
            ("doctor_not_enabled_online",),
            id="doctor-not-enabled-for-online-care-blocked",
        ),
        pytest.param(
            {"patient_age": 5},
            ("guardian_required",),
            id="child-under-6-online-needs-guardian-present",
        ),
        pytest.param(
            {"patient_age": 5, "guardian_present": True},
            (),
            id="child-under-6-with-guardian-present-allowed",
        ),
        pytest.param({"patient_age": 6}, (), id="child-of-6-needs-no-guardian"),
        pytest.param(
            {
                "kind": EncounterKind.IN_PERSON,
                "prior_diagnosis_documents": 0,
                "eligibility": Eligibility.UNDECIDED,
                "doctor_online_enabled": False,
            },
            (),
            id="in-person-visit-needs-no-online-proof",
        ),
    ],
)
def test_prescribing_gate(changes, expected):
    assert prescribing_blockers(facts(**changes)) == expected


@pytest.mark.parametrize(
    ("years", "allowed"),
    [
        pytest.param(2, False, id="2-years-practice-not-online"),
        pytest.param(3, True, id="3-years-practice-may-go-online"),
        pytest.param(20, True, id="20-years-practice-may-go-online"),
    ],
)
def test_online_care_needs_three_years_of_independent_practice(years, allowed):
    assert may_enable_online(years) is allowed


@pytest.mark.parametrize(("age", "needed"), [(0, True), (5, True), (6, False), (17, False)])
def test_guardian_needed_under_six(age, needed):
    assert needs_guardian(age) is needed


@pytest.mark.parametrize(
    ("kind", "decision", "documents", "problem"),
    [
        pytest.param(
            EncounterKind.ONLINE_FOLLOWUP,
            Eligibility.ELIGIBLE,
            0,
            "no_prior_diagnosis_document",
            id="eligible-needs-a-document-first",
        ),
        pytest.param(
            EncounterKind.ONLINE_FOLLOWUP,
            Eligibility.NOT_ELIGIBLE,
            0,
            None,
            id="not-eligible-may-be-recorded-without-document",
        ),
        pytest.param(
            EncounterKind.ONLINE_FOLLOWUP,
            Eligibility.ELIGIBLE,
            1,
            None,
            id="eligible-with-document-recorded",
        ),
        pytest.param(
            EncounterKind.ONLINE_CONSULTATION,
            Eligibility.ELIGIBLE,
            1,
            "not_a_followup",
            id="consultations-have-no-eligibility",
        ),
        pytest.param(
            EncounterKind.ONLINE_FOLLOWUP,
            Eligibility.UNDECIDED,
            1,
            "decision_required",
            id="undecided-is-not-a-decision",
        ),
    ],
)
def test_eligibility_decision_rules(kind, decision, documents, problem):
    try:
        require_recordable_eligibility(kind, decision, documents)
    except OnlineCareError as exc:
        assert exc.code == problem
    else:
        assert problem is None
