"""The shipped catalogue files are complete and consistent (a reviewer's first line of defence)."""

import pytest

from herbs.catalogue import parse_documents
from herbs.services.data_files import read_yaml_folder

pytestmark = pytest.mark.pure


@pytest.fixture(scope="module")
def parsed():
    return parse_documents(read_yaml_folder("herbs"))


def test_every_row_is_valid(parsed):
    _herbs, errors = parsed
    assert errors == []


def test_at_least_400_decoction_pieces_each_with_a_source_and_edition(parsed):
    herbs, _errors = parsed
    assert len(herbs) >= 400
    assert all(herb.source and herb.edition for herb in herbs)


# --- herbs/data/lookalikes.yaml: look-alike / sound-alike pairs ---------------------------------


def lookalikes_of(parsed, document):
    from herbs.catalogue import CatalogueIndex
    from herbs.lookalikes import build_lookalikes

    herbs, _errors = parsed
    index = CatalogueIndex(herbs)
    book, problems = build_lookalikes(document, index)
    return index, book, problems


def shipped_lookalikes():
    from herbs.services.data_files import read_yaml_file

    return read_yaml_file("lookalikes.yaml")


def test_the_lookalike_file_is_valid_against_the_catalogue(parsed):
    _index, _book, problems = lookalikes_of(parsed, shipped_lookalikes())
    assert problems == []


LOOKALIKE_PAIRS = [
    ("黄芪", "黄芩"),
    ("枳实", "枳壳"),
    ("生地黄", "熟地黄"),
    ("赤芍", "白芍"),
    ("川贝母", "浙贝母"),
    ("南沙参", "北沙参"),
    ("苍术", "白术"),
    ("川牛膝", "怀牛膝"),
    ("五加皮", "香加皮"),
]


@pytest.mark.parametrize(
    "one,other", LOOKALIKE_PAIRS, ids=[f"{a} warns of {b}" for a, b in LOOKALIKE_PAIRS]
)
def test_each_herb_of_a_pair_warns_of_the_other(parsed, one, other):
    index, book, _problems = lookalikes_of(parsed, shipped_lookalikes())
    assert other in [hint.other for hint in book.for_code(index.resolve(one).code)]
    assert one in [hint.other for hint in book.for_code(index.resolve(other).code)]


def test_every_pair_carries_a_reason_and_a_public_source():
    for pair in shipped_lookalikes()["pairs"]:
        assert pair["reason"].strip() and pair["source"].strip(), pair
        assert "http" in pair["source"] or "《" in pair["source"], pair


def test_reasons_are_chinese_only_as_the_pages_show_them():
    import re

    for pair in shipped_lookalikes()["pairs"]:
        assert not re.search(r"[A-Za-z]", pair["reason"]), pair


def test_the_toxic_xiangjiapi_is_named_as_toxic_in_its_pair():
    pair = next(p for p in shipped_lookalikes()["pairs"] if "香加皮" in p["names"])
    assert "有毒" in pair["reason"]


def test_a_herb_not_stocked_still_warns_on_the_stocked_one_when_declared(parsed):
    document = {
        "not_stocked": [{"name": "关木通", "why": "标准已取消", "source": "通知"}],
        "pairs": [{"names": ["木通", "关木通"], "reason": "马兜铃酸", "source": "通知"}],
    }
    index, book, problems = lookalikes_of(parsed, document)
    assert problems == []
    hint = book.for_code(index.resolve("木通").code)[0]
    assert (hint.other, hint.other_in_catalogue) == ("关木通", False)


BAD_LOOKALIKES = [
    (
        "a name neither in the catalogue nor declared not_stocked is reported, not fatal",
        {"pairs": [{"names": ["木通", "关木通"], "reason": "r", "source": "s"}]},
        "not declared not_stocked",
    ),
    (
        "a pair without a source is reported",
        {"pairs": [{"names": ["黄芪", "黄芩"], "reason": "r", "source": ""}]},
        "reason and a source",
    ),
    (
        "a pair of one name is reported",
        {"pairs": [{"names": ["黄芪", "黄芪"], "reason": "r", "source": "s"}]},
        "two different names",
    ),
    (
        "a pair listed twice is reported",
        {
            "pairs": [
                {"names": ["黄芪", "黄芩"], "reason": "r", "source": "s"},
                {"names": ["黄芩", "黄芪"], "reason": "r", "source": "s"},
            ]
        },
        "listed twice",
    ),
    (
        "a not_stocked entry without why is reported",
        {"not_stocked": [{"name": "关木通", "source": "s"}]},
        "needs a name, why and a source",
    ),
]


@pytest.mark.parametrize(
    "document,message", [c[1:] for c in BAD_LOOKALIKES], ids=[c[0] for c in BAD_LOOKALIKES]
)
def test_bad_lookalike_rows_are_reported_and_left_out(parsed, document, message):
    _index, book, problems = lookalikes_of(parsed, document)
    assert any(message in problem for problem in problems), problems
    assert all(len(hints) <= 1 for hints in book.by_code.values())


def test_the_shipped_commonness_matches_the_classical_formula_list():
    """commonness.yaml is built from formulas/classical_2018.yaml: a change to the list (竹茹汤
    gained 竹茹, 生姜 and 大枣) must be followed by a rebuild, or search ranks on stale counts."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "build_herb_commonness", root / "scripts" / "build_herb_commonness.py"
    )
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    shipped = (root / "herbs" / "data" / "commonness.yaml").read_text(encoding="utf-8")
    assert builder.render(builder.family_counts()) == shipped
