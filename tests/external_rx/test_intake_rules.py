"""What an outside prescription must bring before a pharmacist looks at it
(external_rx/intake_rules.py): who wrote it and when, within 3 days, the declaration, 1–6 pages."""

from datetime import date

import pytest

from external_rx.intake_rules import MAX_PAGES, detail_problems, page_problem, written_on_problem

pytestmark = pytest.mark.pure
TODAY = date(2026, 3, 5)


@pytest.mark.parametrize(
    "written_on, problem",
    [
        (date(2026, 3, 5), None),
        (date(2026, 3, 3), None),
        (date(2026, 3, 2), "external_out_of_date"),
        (date(2026, 3, 6), "written_in_future"),
        (None, "written_on_required"),
    ],
    ids=[
        "written today is valid",
        "written two days ago is the last valid day (3 days counting the day written)",
        "written three days ago is out of date",
        "written tomorrow is refused",
        "without the day written it is refused",
    ],
)
def test_a_prescription_is_valid_3_days_from_the_day_written(written_on, problem):
    assert written_on_problem(written_on, TODAY, valid_days=3) == problem


def test_a_one_day_validity_setting_allows_only_today():
    assert written_on_problem(date(2026, 3, 4), TODAY, valid_days=1) == "external_out_of_date"


@pytest.mark.parametrize(
    "institution, doctor, declared, problems",
    [
        ("北京中医医院", "李医生", True, {}),
        ("  ", "李医生", True, {"institution": "institution_required"}),
        ("北京中医医院", "", True, {"doctor_name": "doctor_name_required"}),
        ("院" * 65, "李医生", True, {"institution": "name_too_long"}),
        ("北京中医医院", "李医生", False, {"declared": "declaration_required"}),
    ],
    ids=["complete details pass", "no institution", "no doctor", "an institution over 64",
         "without the patient's declaration"],
)  # fmt: skip
def test_the_details_name_each_problem(institution, doctor, declared, problems):
    assert detail_problems(institution, doctor, TODAY, declared, TODAY, 3) == problems


@pytest.mark.parametrize(
    "count, problem",
    [(0, "page_required"), (1, None), (MAX_PAGES, None), (MAX_PAGES + 1, "too_many_pages")],
    ids=["no page", "one page", "six pages", "seven pages"],
)
def test_a_submission_holds_one_to_six_pages(count, problem):
    assert page_problem(count) == problem
