"""Issue 16, formula templates: data fixes checked against their sources, the 2018 list itself, and
the adjuvant line (a template line that is not a catalogue herb, e.g. 白酒 in 瓜蒌薤白半夏汤).

Sources (cited in the data file too):
- 《古代经典名方目录（第一批）》 (国家中医药管理局, 2018): a public transcription of the
  official table in GitHub anonymous-temp/TCM-CDSS, src/data/tcm-formula-sources.json, key
  `officialClassicFormulas`, `catalogBatch` 古代经典名方目录（第一批） (built from
  古代经典名方（第一批、第二批汉族医药、第二批儿科部分）汇总-20241210.xlsx).
  The pages corpus held no copy of the list.
- The books themselves: GitHub xiaopangxia/TCM-Ancient-Books (076-普济本事方.txt 竹茹汤,
  499-金匮要略方论.txt 桂枝芍药知母汤 and 栝蒌薤白半夏汤, 522-温疫论.txt 达原饮, 614-脾胃论.txt
  升阳益胃汤; GB18030 text). For 桂枝芍药知母汤 附子 the 金匮 texts disagree: the Wikisource text,
  Yuqian1017/tianji 金匮要略.txt and a wenku copy read 二枚 (followed); xiaopangxia reads 二两.
"""

from pathlib import Path

import pytest
import yaml

from herbs.catalogue import parse_documents

DATA = Path(__file__).resolve().parents[2] / "herbs" / "data"

# name -> source book as the 2018 list writes it (the transcription above, batch 1, 100 formulas).
OFFICIAL_2018 = {
    "桃核承气汤": "伤寒论",
    "旋覆代赭汤": "伤寒论",
    "竹叶石膏汤": "伤寒论",
    "麻黄汤": "伤寒论",
    "吴茱萸汤": "伤寒论",
    "芍药甘草汤": "伤寒论",
    "半夏泻心汤": "伤寒论",
    "真武汤": "伤寒论",
    "猪苓汤": "伤寒论",
    "小承气汤": "伤寒论",
    "甘草泻心汤": "伤寒论",
    "黄连汤": "伤寒论",
    "当归四逆汤": "伤寒论",
    "附子汤": "伤寒论",
    "桂枝芍药知母汤": "金匮要略",
    "黄芪桂枝五物汤": "金匮要略",
    "半夏厚朴汤": "金匮要略",
    "瓜蒌薤白半夏汤": "金匮要略",
    "苓桂术甘汤": "金匮要略",
    "泽泻汤": "金匮要略",
    "百合地黄汤": "金匮要略",
    "枳实薤白桂枝汤": "金匮要略",
    "大建中汤": "金匮要略",
    "橘皮竹茹汤": "金匮要略",
    "麦门冬汤": "金匮要略",
    "甘姜苓术汤": "金匮要略",
    "厚朴七物汤": "金匮要略",
    "厚朴麻黄汤": "金匮要略",
    "当归建中汤": "千金翼方",
    "温脾汤": "备急千金要方",
    "温胆汤": "备急千金要方",
    "小续命汤": "备急千金要方",
    "开心散": "备急千金要方",
    "泻白散": "小儿药证直诀",
    "槐花散": "普济本事方",
    "竹茹汤": "普济本事方",
    "清心莲子饮": "太平惠民和剂局方",
    "甘露饮": "太平惠民和剂局方",
    "华盖散": "太平惠民和剂局方",
    "温经汤": "妇人大全良方",
    "三痹汤": "妇人大全良方",
    "实脾散": "严氏济生方",
    "当归饮子": "严氏济生方",
    "辛夷散": "严氏济生方",
    "地黄饮子": "黄帝素问宣明论方",
    "三化汤": "素问病机气宜保命集",
    "大秦艽汤": "素问病机气宜保命集",
    "厚朴温中汤": "内外伤辨惑论",
    "当归补血汤": "内外伤辨惑论",
    "羌活胜湿汤": "内外伤辨惑论",
    "升阳益胃汤": "脾胃论",
    "清胃散": "兰室秘藏",
    "当归六黄汤": "兰室秘藏",
    "圣愈汤": "兰室秘藏",
    "乌药汤": "兰室秘藏",
    "石决明散": "普济方",
    "清金化痰汤": "医学统旨",
    "清肺汤": "万病回春",
    "养胃汤": "证治准绳",
    "清骨散": "证治准绳",
    "清上蠲痛汤": "寿世保元",
    "托里消毒散": "外科正宗",
    "桑白皮汤": "景岳全书",
    "金水六君煎": "景岳全书",
    "暖肝煎": "景岳全书",
    "玉女煎": "景岳全书",
    "保阴煎": "景岳全书",
    "化肝煎": "景岳全书",
    "济川煎": "景岳全书",
    "固阴煎": "景岳全书",
    "保元汤": "简明医彀",
    "达原饮": "瘟疫论",
    "清燥救肺汤": "医门法律",
    "凉血地黄汤": "外科大成",
    "散偏汤": "辨证录",
    "半夏白术天麻汤": "医学心悟",
    "二冬汤": "医学心悟",
    "蠲痹汤": "医学心悟",
    "五味消毒饮": "医宗金鉴",
    "枇杷清肺饮": "医宗金鉴",
    "除湿胃苓汤": "医宗金鉴",
    "黄连膏": "医宗金鉴",
    "丁香柿蒂散": "伤寒瘟疫条辨",
    "新加香薷饮": "温病条辨",
    "桑杏汤": "温病条辨",
    "沙参麦冬汤": "温病条辨",
    "益胃汤": "温病条辨",
    "三甲复脉汤": "温病条辨",
    "易黄汤": "傅青主女科",
    "完带汤": "傅青主女科",
    "宣郁通经汤": "傅青主女科",
    "清经散": "傅青主女科",
    "清肝止淋汤": "傅青主女科",
    "两地汤": "傅青主女科",
    "身痛逐瘀汤": "医林改错",
    "四妙勇安汤": "验方新编",
    "桃红四物汤": "妇科冰鉴",
    "藿朴夏苓汤": "医原",
    "一贯煎": "医方絜度",
    "升陷汤": "医学衷中参西录",
}
# Where our `book` deliberately differs from how the list writes it (the same book, its own title).
BOOK_TITLE_OF = {"达原饮": ("温疫论", "瘟疫论")}


def load(name: str) -> dict:
    return yaml.safe_load((DATA / "formulas" / name).read_text(encoding="utf-8"))


def classical() -> dict[str, dict]:
    return {row["name"]: row for row in load("classical_2018.yaml")["formulas"]}


def lines_of(formula: str) -> dict[str, dict]:
    return {
        line.get("herb") or line.get("adjuvant"): line for line in classical()[formula]["lines"]
    }


def test_the_classical_file_is_exactly_the_2018_list():
    ours = {name: row["book"].strip("《》") for name, row in classical().items()}
    assert len(OFFICIAL_2018) == 100
    assert set(ours) == set(OFFICIAL_2018)
    for name, listed in OFFICIAL_2018.items():
        own_title, list_title = BOOK_TITLE_OF.get(name, (listed, listed))
        assert list_title == listed, name
        assert ours[name] == own_title, name


@pytest.mark.parametrize(
    "formula",
    ["清骨散", "养胃汤", "圣愈汤", "清燥救肺汤", "桃红四物汤", "丁香柿蒂散", "甘草泻心汤"],
    ids=lambda name: f"{name} is on the 2018 list, so it stays among the 100 classical templates",
)
def test_questioned_formulas_are_on_the_2018_list(formula):
    assert formula in OFFICIAL_2018
    assert formula in classical()


@pytest.mark.parametrize(
    ("formula", "line", "original"),
    [
        pytest.param("竹茹汤", "竹茹", "竹茹 一弹大", id="竹茹汤 carries its eponymous 竹茹"),
        pytest.param(
            "竹茹汤", "生姜", "生姜 三片", id="竹茹汤 carries the 生姜 its preparation adds"
        ),
        pytest.param("竹茹汤", "大枣", "枣 一个", id="竹茹汤 carries the 枣 its preparation adds"),
        pytest.param("瓜蒌薤白半夏汤", "白酒", "白酒 一斗", id="瓜蒌薤白半夏汤 carries 白酒"),
        pytest.param(
            "桂枝芍药知母汤",
            "附子",
            "二枚（炮）",
            id="桂枝芍药知母汤 附子 is 二枚 as 金匮 writes it (variant 二两)",
        ),
        pytest.param(
            "升阳益胃汤",
            "黄连",
            "二钱",
            id="升阳益胃汤 黄连 stays 二钱 as 《脾胃论》 and the list write it (not 一钱)",
        ),
        pytest.param("一贯煎", "北沙参", "一钱五分", id="一贯煎 北沙参 一钱五分"),
        pytest.param("一贯煎", "麦冬", "一钱五分", id="一贯煎 麦冬 一钱五分"),
        pytest.param("一贯煎", "当归", "一钱五分", id="一贯煎 当归 一钱五分"),
        pytest.param("一贯煎", "枸杞子", "枸杞 三钱", id="一贯煎 枸杞 三钱"),
        pytest.param("一贯煎", "生地黄", "生地 三钱", id="一贯煎 生地 三钱"),
        pytest.param("一贯煎", "川楝子", "二钱", id="一贯煎 川楝子 二钱"),
    ],
)
def test_formula_lines_follow_their_source(formula, line, original):
    lines = lines_of(formula)
    assert line in lines, f"{formula} lacks {line}"
    assert lines[line]["original"] == original


def test_bai_jiu_is_an_adjuvant_line_not_a_herb():
    line = lines_of("瓜蒌薤白半夏汤")["白酒"]
    assert "herb" not in line and line["adjuvant"] == "白酒"


@pytest.mark.parametrize(
    ("formula", "book"),
    [
        pytest.param("达原饮", "《温疫论》", id="达原饮's source is 吴有性《温疫论》"),
        pytest.param(
            "一贯煎", "《医方絜度》", id="一贯煎's source on the 2018 list is 《医方絜度》"
        ),
    ],
)
def test_source_books(formula, book):
    assert classical()[formula]["book"] == book


def test_no_formula_needed_moving_to_the_other_classical_list():
    """Every template of classical_2018.yaml is on the list; none is kept there by mistake."""
    assert not set(classical()) - set(OFFICIAL_2018)


# ---- the pharmacopoeia edition each herb row was checked against ----

ROW = {
    "code": "gancao",
    "name": "甘草",
    "pinyin": "gan cao",
    "latin": "Glycyrrhizae Radix et Rhizoma",
    "category": "补虚药",
    "dose_g": [2, 10],
    "source": "《中国药典》·甘草",
}
ED_2020 = "中华人民共和国药典 2020年版 一部"
ED_2025 = "中华人民共和国药典 2025年版 一部"


@pytest.mark.parametrize(
    ("row_edition", "expected"),
    [
        pytest.param(None, ED_2020, id="a row not re-checked keeps the file's 2020 edition"),
        pytest.param(ED_2025, ED_2025, id="a row checked against ChP 2025 records 2025"),
    ],
)
def test_each_row_records_the_edition_it_was_checked_against(row_edition, expected):
    row = dict(ROW, checked_against=row_edition) if row_edition else dict(ROW)
    herbs, errors = parse_documents({"x.yaml": {"pharmacopoeia": ED_2020, "herbs": [row]}})
    assert errors == []
    assert herbs[0].edition == expected


@pytest.mark.parametrize(
    "edition",
    ["中国药典", "中华人民共和国药典 2030年版 一部"],
    ids=lambda e: f"{e!r} is refused: only a published edition may be claimed",
)
def test_an_unknown_edition_is_a_data_error(edition):
    row = dict(ROW, checked_against=edition)
    _herbs, errors = parse_documents({"x.yaml": {"pharmacopoeia": ED_2020, "herbs": [row]}})
    assert any("checked_against" in error for error in errors)


def test_shipped_rows_claim_2025_only_where_checked():
    """No row may say 2025 without a 2025 source in its `source` (nothing is mass-claimed)."""
    from herbs.services.data_files import read_yaml_folder

    herbs, errors = parse_documents(read_yaml_folder("herbs"))
    assert errors == []
    for herb in herbs:
        if "2025" in herb.edition:
            assert "2025" in herb.source, herb.name
