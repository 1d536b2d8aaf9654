"""What a photographed outside prescription (拍方抓药) must bring before a pharmacist looks at it:
who wrote it and when, the patient's declaration, one to six page photos; and the checks the
pharmacist confirms in turn. Software only gathers; the pharmacist decides (the source reports
name the abuse: "非处方图片仍能通过处方审核").

A prescription is valid 3 days from the day it was written unless it states otherwise
(《处方管理办法》第十八条: 处方开具当日有效，特殊情况下由医师注明有效期限，最长不得超过3天).

Pure: standard library only."""

from datetime import date, timedelta

MAX_PAGES = 6
NAME_MAX = 64

# The pharmacist's checks, in the order they are confirmed (issue 20).
CHECKS = (
    "real_form",  # a real prescription form of a licensed institution
    "signed_or_sealed",  # the doctor's signature or seal
    "patient_matches",  # the patient's name, sex and age match the account
    "within_validity",  # written within its validity period
    "not_dispensed_before",  # the image and the institution's number are new
)


def written_on_problem(written_on: date | None, today: date, valid_days: int) -> str | None:
    """Why the day written makes the prescription unusable today, or None."""
    if written_on is None:
        return "written_on_required"
    if written_on > today:
        return "written_in_future"
    if today > written_on + timedelta(days=valid_days - 1):
        return "external_out_of_date"
    return None


def detail_problems(
    institution: str, doctor_name: str, written_on: date | None, declared: bool,
    today: date, valid_days: int,
) -> dict[str, str]:  # fmt: skip
    """Field → problem code for the patient's details; empty when all is usable."""
    problems = {}
    for field, value in (("institution", institution), ("doctor_name", doctor_name)):
        text = (value or "").strip()
        if not text:
            problems[field] = f"{field}_required"
        elif len(text) > NAME_MAX:
            problems[field] = "name_too_long"
    written = written_on_problem(written_on, today, valid_days)
    if written:
        problems["written_on"] = written
    if not declared:
        problems["declared"] = "declaration_required"
    return problems


def page_problem(page_count: int) -> str | None:
    """Why a submission with `page_count` pages cannot go to the pharmacist (or take one more)."""
    if page_count < 1:
        return "page_required"
    if page_count > MAX_PAGES:
        return "too_many_pages"
    return None
