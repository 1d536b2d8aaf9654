"""The data-file validator reports every kind of bad row a reviewer could miss."""

import pytest

from herbs.catalogue import CatalogueIndex, parse_documents

pytestmark = pytest.mark.pure

GOOD = {
    "code": "gancao",
    "name": "甘草",
    "pinyin": "gan cao",
    "latin": "Glycyrrhizae Radix et Rhizoma",
    "aliases": ["国老"],
    "category": "补虚药",
    "nature": "平",
    "dose_g": [2, 10],
    "source": "《中国药典》2020年版一部·甘草",
}
PROCESSED = {
    "code": "zhigancao",
    "name": "炙甘草",
    "pinyin": "zhi gan cao",
    "latin": "Glycyrrhizae Radix Praeparata",
    "base": "gancao",
    "processing": "蜜炙",
    "source": "《中国药典》2020年版一部·甘草（炙甘草）",
}


def parse(*rows, edition="ChP 2020"):
    return parse_documents({"a.yaml": {"pharmacopoeia": edition, "herbs": list(rows)}})


def test_a_good_base_and_processed_form_parse_and_inherit():
    herbs, errors = parse(GOOD, PROCESSED)
    assert errors == []
    processed = herbs[1]
    assert processed.dose_max_g == 10 and processed.category == "补虚药"
    assert not processed.toxic_28 and processed.root_code == "gancao"
    index = CatalogueIndex(herbs)
    assert index.resolve("国老").code == "gancao"
    assert index.resolve("生甘草").code == "gancao"
    assert index.resolve("ZHIGANCAO").code == "zhigancao"


BAD_ROWS = [
    ("no source", [{**GOOD, "source": ""}], "lacks source"),
    ("a code that is not ASCII", [{**GOOD, "code": "甘草"}], "code must be lowercase ASCII"),
    ("pinyin with tone marks", [{**GOOD, "pinyin": "gān cǎo"}], "pinyin"),
    ("min above max", [{**GOOD, "dose_g": [10, 2]}], "dose range"),
    ("a dose that is not a pair", [{**GOOD, "dose_g": 6}], "dose_g must be"),
    ("unknown nature", [{**GOOD, "nature": "冷"}], "unknown nature"),
    ("unknown method", [{**GOOD, "method": "煮"}], "unknown method"),
    ("processed form of a missing herb", [PROCESSED], "base gancao"),
    ("processed form on the toxic list", [GOOD, {**PROCESSED, "toxic_28": True}], "never toxic_28"),
    ("one alias for two herbs", [GOOD, {**PROCESSED, "aliases": ["国老"]}], "also belongs"),
    ("the same code twice", [GOOD, GOOD], "used twice"),
    (
        "a value longer than its column",
        [GOOD, {**PROCESSED, "processing": "炙" * 41}],
        "longer than",
    ),
]


@pytest.mark.parametrize("rows,expected", [c[1:] for c in BAD_ROWS], ids=[c[0] for c in BAD_ROWS])
def test_bad_rows_are_reported(rows, expected):
    _herbs, errors = parse(*rows)
    assert any(expected in error for error in errors), errors


def test_a_file_without_an_edition_is_reported():
    _herbs, errors = parse(GOOD, edition=None)
    assert any("pharmacopoeia edition" in error for error in errors)
