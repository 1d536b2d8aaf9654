"""Password policy and masked display of personal identifiers."""

import pytest

from tcm_app.common.masking import mask_address, mask_name, mask_phone
from tcm_app.common.passwords import password_problems

pytestmark = pytest.mark.pure


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        pytest.param("Str0ngPassword", [], id="letters-and-digits-of-8-plus-accepted"),
        pytest.param("abc123", ["too_short"], id="short-refused"),
        pytest.param("onlyletters", ["needs_digit"], id="no-digit-refused"),
        pytest.param("1234567890", ["needs_letter"], id="no-letter-refused"),
        pytest.param("wangli2024x", ["contains_username"], id="username-inside-refused"),
    ],
)
def test_password_policy(password, problems):
    assert password_problems(password, "wangli") == problems


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("010-6512", "****6512"), ("123", "***"), ("", "")],
)
def test_phone_masking(phone, masked):
    assert mask_phone(phone) == masked


def test_address_masking_keeps_only_the_start():
    assert mask_address("望京街道阜通东大街6号院3号楼1201") == "望京街道阜通********"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("王丽", "王*"), ("张三丰", "张*丰"), ("欧阳娜娜", "欧**娜"), ("李", "李"), ("", "")],
    ids=[
        "two-characters-keep-the-first",
        "three-keep-first-and-last",
        "four-keep-first-and-last",
        "one-character-as-is",
        "empty",
    ],
)
def test_names_on_labels_are_partly_masked(name, masked):
    assert mask_name(name) == masked
