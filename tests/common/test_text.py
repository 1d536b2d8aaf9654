"""Storable text: NUL and lone surrogates are refused wherever they hide in a JSON body."""

import pytest

from tcm_app.common.text import is_storable, unstorable_paths

pytestmark = pytest.mark.pure


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        pytest.param("胃脘隐痛，喜温喜按", True, id="chinese-text-storable"),
        pytest.param("😀 emoji", True, id="astral-characters-storable"),
        pytest.param("a\x00b", False, id="nul-refused"),
        pytest.param("x\ud800", False, id="lone-surrogate-refused"),
    ],
)
def test_is_storable(text, ok):
    assert is_storable(text) is ok


def test_unstorable_paths_name_nested_fields_and_keys():
    body = {"note": "ok", "items": [{"name": "a\x00"}], "bad\ud800key": 1, "n": 3}
    assert sorted(unstorable_paths(body)) == ["body", "items[0].name"]
