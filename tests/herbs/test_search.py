"""Herb search ranking as the doctor types (pure `herbs.search` over the shipped catalogue):
exact first, then prefixes, ties to what the clinic prescribes, then to the shipped commonness;
one-letter typos still find the herb, after everything typed correctly."""

import pytest

from herbs.catalogue import parse_documents
from herbs.search import TYPO_ALIAS, TYPO_NAME, within_one_edit
from herbs.services.catalogue import load_commonness, search_index_for
from herbs.services.data_files import read_yaml_folder

HERBS, _ERRORS = parse_documents(read_yaml_folder("herbs"))
NAMES = {herb.code: herb.name for herb in HERBS}
COMMONNESS = load_commonness()


def names(query, prescribed=None, limit=12):
    index = search_index_for(HERBS, prescribed or {}, COMMONNESS)
    return [NAMES[hit.code] for hit in index.search(query, limit)]


RANKING_CASES = [
    (
        "huangqi is 黄芪's full pinyin: 黄芪 first, 黄芩 (qi is only the start of qin) after",
        "huangqi",
        ["黄芪", "黄芩"],
    ),
    ("fbx: 法半夏 (半夏 in 17 of the 2018 formulas) before 粉萆薢", "fbx", ["法半夏", "粉萆薢"]),
    ("the Chinese name 黄芪 finds 黄芪 first", "黄芪", ["黄芪"]),
    ("the Chinese name 黄芩 finds 黄芩 first, then its processed forms", "黄芩", ["黄芩"]),
    ("zhishi is 枳实 exactly, 枳壳 is not confused for it", "zhishi", ["枳实"]),
    ("zhiqiao is 枳壳 exactly", "zhiqiao", ["枳壳"]),
    ("chishao is 赤芍, baishao is 白芍", "chishao", ["赤芍"]),
    ("baishao is 白芍", "baishao", ["白芍"]),
    ("cangzhu is 苍术", "cangzhu", ["苍术"]),
    ("baizhu is 白术 before 白术's processed forms", "baizhu", ["白术"]),
    ("gancao is 甘草 before 炙甘草", "gancao", ["甘草"]),
    ("an alias's full pinyin (guolao, 国老) is exact: 甘草 first", "guolao", ["甘草"]),
    ("the pinyin of a processed form is exact for that form", "zhigancao", ["炙甘草"]),
    ("hq: the three hq herbs by commonness, 黄芩 then 黄芪", "hq", ["黄芩", "黄芪"]),
]


@pytest.mark.parametrize(
    "query,expected_start", [c[1:] for c in RANKING_CASES], ids=[c[0] for c in RANKING_CASES]
)
def test_exact_matches_rank_first_then_prefixes_by_commonness(query, expected_start):
    assert names(query)[: len(expected_start)] == expected_start


TYPO_CASES = [
    ("one extra letter: huangqqi finds 黄芪", "huangqqi", "黄芪"),
    ("one wrong letter: gancaw finds 甘草", "gancaw", "甘草"),
    ("one missing letter: gncao finds 甘草", "gncao", "甘草"),
    ("two letters swapped: gnacao finds 甘草", "gnacao", "甘草"),
    ("one wrong first letter: fangfemg finds 防风", "fangfemg", "防风"),
    ("swapped initials of three syllables: fxb finds 法半夏", "fxb", "法半夏"),
]


@pytest.mark.parametrize("query,first", [c[1:] for c in TYPO_CASES], ids=[c[0] for c in TYPO_CASES])
def test_one_letter_typos_still_find_the_herb(query, first):
    assert first in names(query)[:3], names(query)


def test_typo_matches_rank_after_every_exact_and_prefix_match():
    index = search_index_for(HERBS, {}, COMMONNESS)
    hits = index.search("baizhu", 50)
    ranks = [hit.rank for hit in hits]
    assert ranks == sorted(ranks)
    typo_names = [NAMES[hit.code] for hit in hits if hit.rank in (TYPO_NAME, TYPO_ALIAS)]
    assert "白芷" in typo_names  # baizhi: one letter away, listed after 白术 and its forms
    assert NAMES[hits[0].code] == "白术"


def test_two_letters_wrong_is_not_a_typo_match():
    assert "甘草" not in names("gancww")


def test_short_queries_are_not_typo_matched():
    # Two or three letters are initials or the start of a syllable: a typo there matches too much.
    index = search_index_for(HERBS, {}, COMMONNESS)
    assert all(hit.rank not in (TYPO_NAME, TYPO_ALIAS) for hit in index.search("gca", 50))


CLINIC_CASES = [
    (
        "a herb the clinic prescribes more wins a tie: fbx with 粉萆薢 prescribed 5 times",
        "fbx",
        {"fenbixie": 5},
        "粉萆薢",
    ),
    (
        "clinic history never beats an exact match: huangqi with 黄芩 prescribed 100 times",
        "huangqi",
        {"huangqin": 100},
        "黄芪",
    ),
    (
        "clinic history orders the hq herbs: 红芪 prescribed twice comes first",
        "hq",
        {"hongqi": 2},
        "红芪",
    ),
]


@pytest.mark.parametrize(
    "query,prescribed,first", [c[1:] for c in CLINIC_CASES], ids=[c[0] for c in CLINIC_CASES]
)
def test_clinic_prescribing_breaks_ties(query, prescribed, first):
    assert names(query, prescribed)[0] == first


EDIT_CASES = [
    ("equal is not a typo", "gancao", "gancao", False),
    ("one substitution", "gancao", "gancaw", True),
    ("one insertion", "gancao", "gancaoo", True),
    ("one deletion", "gancao", "gncao", True),
    ("one adjacent swap", "gancao", "gnacao", True),
    ("two substitutions", "gancao", "gancww", False),
    ("two apart in length", "gancao", "ganc", False),
    ("a swap of letters that are not adjacent is two edits", "gancao", "gcnaao", False),
]


@pytest.mark.parametrize(
    "a,b,expected", [c[1:] for c in EDIT_CASES], ids=[c[0] for c in EDIT_CASES]
)
def test_within_one_edit_is_damerau_levenshtein_distance_one(a, b, expected):
    assert within_one_edit(a, b) is expected
    assert within_one_edit(b, a) is expected


def test_every_commonness_row_names_a_base_herb_of_the_catalogue():
    codes = {herb.code: herb for herb in HERBS}
    assert COMMONNESS, "herbs/data/commonness.yaml is empty"
    for code, count in COMMONNESS.items():
        assert code in codes and codes[code].base_code is None, code
        assert 1 <= count <= 100, code
