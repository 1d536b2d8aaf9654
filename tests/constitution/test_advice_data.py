"""The reviewed care advice (constitution/data/advice.yaml): education for each of the nine
constitutions, never a prescription. Every type has a summary and the same six topics in the
same order; every section has Chinese and English text and a listed source; no text names a
dose in grams, a prescription (处方), a formula (方剂) or taking medicine (服用); 合谷 and 三阴交
warn pregnant women (孕妇). Test ids are ASCII: pytest escapes Chinese in ids."""

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.pure
ADVICE = Path(__file__).resolve().parents[2] / "constitution" / "data" / "advice.yaml"
TYPES = ["pinghe", "qixu", "yangxu", "yinxu", "tanshi", "shire", "xueyu", "qiyu", "tebing"]
TOPICS = ["diet", "routine", "exercise", "emotions", "seasons", "acupoints"]
GRAMS = re.compile(r"\d+\s*(g|克)")
GRAMS_EN = re.compile(r"\d+\s*(?:g|grams?)\b", re.IGNORECASE)
PRESCRIBING = ["处方", "方剂", "服用"]
PRESCRIBING_EN = re.compile(r"prescri|formula|dosage", re.IGNORECASE)
PREGNANCY_POINTS = {"合谷": "Hegu", "三阴交": "Sanyinjiao"}
# The points the primary-care guidance gives each constitution for self-massage.
POINTS = {
    "pinghe": {"足三里": "Zusanli", "涌泉": "Yongquan"},
    "qixu": {"足三里": "Zusanli", "气海": "Qihai"},
    "yangxu": {"关元": "Guanyuan", "命门": "Mingmen"},
    "yinxu": {"太溪": "Taixi", "三阴交": "Sanyinjiao"},
    "tanshi": {"丰隆": "Fenglong", "足三里": "Zusanli"},
    "shire": {"支沟": "Zhigou", "阴陵泉": "Yinlingquan"},
    "xueyu": {"期门": "Qimen", "血海": "Xuehai"},
    "qiyu": {"合谷": "Hegu", "太冲": "Taichong"},
    "tebing": {"足三里": "Zusanli", "神阙": "Shenque", "曲池": "Quchi"},
}


@cache
def advice() -> dict:
    return yaml.safe_load(ADVICE.read_text(encoding="utf-8"))


def section(code: str, topic: str) -> dict:
    found = [s for s in advice()["types"][code]["sections"] if s.get("topic") == topic]
    assert len(found) == 1, f"{code} has {len(found)} {topic} sections"
    return found[0]


def by_type(rule: str) -> list:
    return [pytest.param(code, id=f"{code} {rule}") for code in TYPES]


def by_section(rule: str) -> list:
    return [
        pytest.param(code, topic, id=f"{code} {topic} {rule}") for code in TYPES for topic in TOPICS
    ]


def test_the_file_has_the_nine_constitutions_and_nothing_else():
    assert list(advice()["types"]) == TYPES


def test_every_source_has_a_code_and_a_title_and_codes_are_unique():
    sources = advice()["sources"]
    assert all(source.get("code") and source.get("title") for source in sources)
    codes = [source["code"] for source in sources]
    assert len(codes) == len(set(codes))
    assert {"zyyxh_2009", "jbgw_2017"} <= set(codes)


@pytest.mark.parametrize("code", by_type("has a name, English name, summary and English summary"))
def test_each_type_is_named_and_summarised(code):
    entry = advice()["types"][code]
    for key in ["name", "name_en", "summary", "summary_en"]:
        assert isinstance(entry.get(key), str) and entry[key].strip(), f"{code} lacks {key}"


@pytest.mark.parametrize("code", by_type(f"has {', '.join(TOPICS)} in order"))
def test_each_type_has_exactly_the_six_topics_in_order(code):
    assert [s.get("topic") for s in advice()["types"][code]["sections"]] == TOPICS


@pytest.mark.parametrize("code, topic", by_section("has text, English text and a listed source"))
def test_each_section_has_both_texts_and_a_listed_source(code, topic):
    entry = section(code, topic)
    assert isinstance(entry.get("text"), str) and entry["text"].strip()
    assert isinstance(entry.get("text_en"), str) and entry["text_en"].strip()
    assert entry.get("source") in {source["code"] for source in advice()["sources"]}


@pytest.mark.parametrize("code, topic", by_section("is two to four short sentences"))
def test_each_section_text_is_two_to_four_sentences(code, topic):
    text = section(code, topic)["text"]
    assert text.endswith("。") and 2 <= len(re.findall(r"[。！？]", text)) <= 4


@pytest.mark.parametrize(
    "code, topic", by_section("names no dose in grams, prescription, formula or taking medicine")
)
def test_no_section_doses_or_prescribes(code, topic):
    entry = section(code, topic)
    assert not GRAMS.search(entry["text"]) and not GRAMS_EN.search(entry["text_en"])
    assert [word for word in PRESCRIBING if word in entry["text"]] == []
    assert not PRESCRIBING_EN.search(entry["text_en"])


@pytest.mark.parametrize(
    "code, topic", by_section("warns pregnant women if it names Hegu or Sanyinjiao")
)
def test_hegu_and_sanyinjiao_carry_the_pregnancy_warning(code, topic):
    entry = section(code, topic)
    for point, point_en in PREGNANCY_POINTS.items():
        if point in entry["text"]:
            assert "孕妇" in entry["text"], f"{point} without 孕妇"
        if point_en in entry["text_en"]:
            assert "pregnant" in entry["text_en"].lower(), f"{point_en} without 'pregnant'"


def test_the_pregnancy_rule_has_points_to_check():
    texts = [section(code, "acupoints")["text"] for code in TYPES]
    assert [point for point in PREGNANCY_POINTS if not any(point in t for t in texts)] == []


@pytest.mark.parametrize(
    "code, points",
    [
        pytest.param(code, points, id=f"{code} acupoints names {' and '.join(points.values())}")
        for code, points in POINTS.items()
    ],
)
def test_each_type_massages_the_guidance_points(code, points):
    entry = section(code, "acupoints")
    assert [point for point in points if point not in entry["text"]] == []
    assert [name for name in points.values() if name not in entry["text_en"]] == []
