"""GB 11643-1999 resident ID numbers: check character, birth date, sex, region, masking."""

from datetime import date

import pytest

from tcm_app.common.resident_id import (
    InvalidResidentIdError,
    age_on,
    build_resident_id,
    compute_check_character,
    mask_resident_id,
    parse_resident_id,
)

pytestmark = pytest.mark.pure
TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        pytest.param(
            "11010519491231002X", date(1949, 12, 31), "female", id="standard-example-check-X"
        ),
        pytest.param("440524198001010013", date(1980, 1, 1), "male", id="odd-17th-digit-is-male"),
        pytest.param(
            "11010519491231002x", date(1949, 12, 31), "female", id="lower-case-x-accepted"
        ),
    ],
)
def test_valid_numbers_give_birth_date_and_sex(number, birth, sex):
    parsed = parse_resident_id(number, TODAY)
    assert (parsed.birth_date, parsed.sex, parsed.number) == (birth, sex, number.upper())


@pytest.mark.parametrize(
    ("number", "code"),
    [
        pytest.param("110105194912310021", "check_digit", id="wrong-check-character-refused"),
        pytest.param("11010519491231002", "format", id="17-characters-refused"),
        pytest.param("1101051949123100211", "format", id="19-characters-refused"),
        pytest.param("11010519491231002Y", "format", id="letter-other-than-X-refused"),
        pytest.param("", "format", id="empty-refused"),
        pytest.param("99010519491231002X", "region", id="unknown-province-refused"),
        pytest.param("110105194902300027", "birth_date", id="30-february-refused"),
        pytest.param("110105203001010020", "birth_date", id="future-birth-refused"),
        pytest.param("110105189912310021", "birth_date", id="born-before-1900-refused"),
    ],
)
def test_invalid_numbers_name_the_failing_part(number, code):
    with pytest.raises(InvalidResidentIdError) as exc:
        parse_resident_id(number, TODAY)
    assert exc.value.code == code


def test_check_character_matches_published_example():
    assert compute_check_character("11010519491231002") == "X"


@pytest.mark.parametrize("sex", ["male", "female"])
def test_built_numbers_validate_with_the_requested_sex(sex):
    number = build_resident_id("320102", date(1990, 2, 28), 7, sex)
    assert parse_resident_id(number, TODAY).sex == sex


def test_mask_shows_first_four_and_last_four():
    assert mask_resident_id("11010519491231002X") == "1101**********002X"


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        pytest.param(
            date(2020, 11, 24), date(2026, 11, 23), 5, id="day-before-sixth-birthday-is-5"
        ),
        pytest.param(date(2020, 11, 23), date(2026, 11, 23), 6, id="on-sixth-birthday-is-6"),
        pytest.param(date(2000, 2, 29), date(2026, 2, 28), 25, id="leap-day-birthday-not-yet"),
    ],
)
def test_age_counts_completed_years(birth, day, age):
    assert age_on(birth, day) == age
