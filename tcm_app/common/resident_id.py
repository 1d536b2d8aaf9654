"""Resident identity numbers (公民身份号码) per GB 11643-1999: validation, derived facts, masking.

Pure: standard library only. The 18th character is an ISO 7064 MOD 11-2 check character; digits
7-14 are the birth date and digit 17 is odd for men and even for women.
"""

from dataclasses import dataclass
from datetime import date

from tcm_app.common.errors import RuleError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# Province-level codes of GB/T 2260, plus 83 (residence permits of Taiwan residents).
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
OLDEST_BIRTH_YEAR = 1900


class InvalidResidentIdError(RuleError):
    """The number is not a valid GB 11643 resident ID; `code` says which part failed."""


@dataclass(frozen=True)
class ResidentId:
    number: str
    region_code: str
    birth_date: date
    sex: str  # "male" or "female"


def compute_check_character(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def parse_resident_id(raw: str, today: date) -> ResidentId:
    """Validate an 18-character resident ID and return its derived facts.

    Raises InvalidResidentIdError with code format, region, birth_date or check_digit.
    """
    number = (raw or "").strip().upper()
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise InvalidResidentIdError("format", "must be 17 digits followed by a digit or X")
    if number[:2] not in PROVINCE_CODES:
        raise InvalidResidentIdError("region", f"unknown province code {number[:2]}")
    birth = _birth_date(number[6:14])
    if birth is None or birth > today or birth.year < OLDEST_BIRTH_YEAR:
        raise InvalidResidentIdError("birth_date", f"impossible birth date {number[6:14]}")
    if compute_check_character(number[:17]) != number[17]:
        raise InvalidResidentIdError("check_digit", "the check character does not match")
    sex = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number=number, region_code=number[:6], birth_date=birth, sex=sex)


def _birth_date(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def build_resident_id(region_code: str, birth: date, sequence: int, sex: str) -> str:
    """A valid number for demo data and tests: sequence 0-99 plus a sex digit."""
    sex_digit = (sequence % 5) * 2 + (1 if sex == "male" else 0)
    first17 = f"{region_code}{birth:%Y%m%d}{sequence % 100:02d}{sex_digit}"
    return first17 + compute_check_character(first17)


def mask_resident_id(number: str) -> str:
    """Show the first four and last four characters only: 1101**********1234."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def age_on(birth: date, day: date) -> int:
    """Completed years of age on `day`."""
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - (1 if before_birthday else 0)
