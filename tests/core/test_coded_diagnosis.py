"""A TCM diagnosis is 病名 + 证候, coded from the GB/T 15657-2021 table: the server checks codes,
codes names it knows, and a temporary term (临时诊断用术语) never closes a visit."""

import pytest
import yaml

from tcm_app.common.errors import ValidationError
from tcm_app.services import codes, encounters
from tests.factories import create_doctor, create_encounter


@pytest.mark.parametrize(
    ("disease", "disease_code", "syndrome", "syndrome_code", "error"),
    [
        pytest.param(
            "胃痞病",
            "A04.03.99",
            "脾气虚证",
            "",
            ("disease_code", "unknown_code"),
            id="a well-shaped disease code that is not in the table is refused",
        ),
        pytest.param(
            "胃痞病",
            "A04.03.15",
            "脾气虚证",
            "B04.03.99",
            ("syndrome_code", "unknown_code"),
            id="a well-shaped pattern code that is not in the table is refused",
        ),
        pytest.param(
            "感冒",
            "A04.03.15",
            "脾气虚证",
            "",
            ("disease_code", "code_name_mismatch"),
            id="a code whose name differs from the name given is refused",
        ),
        pytest.param(
            "胃痞病",
            "B04.03.01.03.01",
            "脾气虚证",
            "",
            ("disease_code", "format"),
            id="a pattern code in the disease field is refused",
        ),
    ],
)
def test_codes_the_table_does_not_hold_are_refused(
    app, disease, disease_code, syndrome, syndrome_code, error
):
    encounter = create_encounter()
    with pytest.raises(ValidationError) as exc:
        encounters.record_diagnosis(
            encounter, encounter.doctor, disease, syndrome, disease_code, syndrome_code
        )
    field, message = error
    assert exc.value.fields.get(field) == [message]


def test_known_names_get_disease_pattern_and_method_codes(app):
    encounter = create_encounter()
    diagnosis = encounters.record_diagnosis(
        encounter, encounter.doctor, "胃痞病", "脾气虚证", treatment_method="健脾和胃"
    )
    assert (diagnosis.disease_code, diagnosis.syndrome_code) == ("A04.03.15", "B04.03.01.03.01")
    assert diagnosis.method_code == codes.find_by_name("method", "健脾和胃").code


def test_the_western_diagnosis_is_free_text_with_an_optional_icd10_code(app):
    encounter = create_encounter()
    diagnosis = encounters.record_diagnosis(
        encounter,
        encounter.doctor,
        "胃痞病",
        "脾气虚证",
        western_name="功能性消化不良",
        western_code="k30.x00",
    )
    assert (diagnosis.western_name, diagnosis.western_code) == ("功能性消化不良", "K30.X00")
    with pytest.raises(ValidationError) as exc:
        encounters.record_diagnosis(
            encounter, encounter.doctor, "胃痞病", "脾气虚证", western_code="胃炎"
        )
    assert exc.value.fields == {"western_code": ["format"]}


def test_a_temporary_term_is_not_the_final_diagnosis_of_a_visit(app):
    encounter = create_encounter(kind="in_person", actor=create_doctor())
    encounters.start_encounter(encounter, encounter.doctor)
    temporary = encounters.record_diagnosis(encounter, encounter.doctor, "胃痛", "脾气虚证")
    assert temporary.disease_code == "A17.30"
    with pytest.raises(ValidationError) as exc:
        encounters.complete_encounter(encounter, encounter.doctor)
    assert exc.value.code == "temporary_diagnosis"
    encounters.retire_diagnosis(encounter, encounter.doctor, temporary.id)
    encounters.record_diagnosis(encounter, encounter.doctor, "胃痞病", "脾气虚证")
    encounters.complete_encounter(encounter, encounter.doctor)
    assert encounter.status == "completed"


@pytest.mark.parametrize(
    ("query", "kind", "first"),
    [
        pytest.param("wpb", "disease", "胃痞病", id="initials wpb find 胃痞病 first"),
        pytest.param("weipi", "disease", "胃痞病", id="pinyin weipi finds 胃痞病 first"),
        pytest.param("胃痞", "disease", "胃痞病", id="the start of the name finds 胃痞病 first"),
        pytest.param("A04.03.15", "disease", "胃痞病", id="the code finds its row"),
        pytest.param("pqx", "pattern", "脾气虚证", id="initials pqx find 脾气虚证"),
    ],
)
def test_search_by_name_pinyin_initials_or_code(app, query, kind, first):
    assert codes.search(query, kind)[0].name == first


def test_usual_patterns_of_the_disease_come_first(app):
    # 胃痞病 is a 脾系病 (A04.03): 脾系证 (B04.03) and 脾脏兼证 (B04.06.03) come first.
    found = codes.search("", "pattern", disease_code="A04.03.15", limit=10)
    assert len(found) == 10 and all(c.code.startswith(("B04.03", "B04.06.03")) for c in found)
    wei = codes.search("wei", "pattern", disease_code="A04.03.15", limit=3)
    assert all(c.code.startswith(("B04.03", "B04.06.03")) for c in wei)
    assert all(not c.name.endswith("类") for c in codes.search("wei", "pattern", limit=50))


USUAL_CASES = [
    ("A04.03.15", "B04.03", "胃痞病 (脾系病): 脾系证 first"),
    ("A08.01.20", "B02", "粉刺 (皮肤病): 风、湿、毒 or 血证 first"),
    ("A09.02.02.01", "B04.10", "月经先期 (妇科): 胞宫、肾、肝、冲任 first"),
    ("A09.01.02.02", "B04.09", "精少 (男科): 精室、肾 first"),
    ("A10.04.13", "B04.03", "疳病 (小儿): 脾、肺、饮食 first"),
    ("A05.01", "B02.11", "郁病 (情志): 情志证、肝、心 first"),
    ("A07.06.01", "B02.02", "风寒湿痹: 风、寒、湿、经络 first"),
    ("A01.02.01", "B06", "a 伤寒类病: 六经证 first"),
]


@pytest.mark.parametrize(
    "disease, expected_class", [c[:2] for c in USUAL_CASES], ids=[c[2] for c in USUAL_CASES]
)
def test_each_department_lists_its_usual_patterns_first(app, disease, expected_class):
    assert codes.find(disease) is not None, disease
    usual = codes.usual_pattern_prefixes(disease)
    assert any(p == expected_class or p.startswith(expected_class) for p in usual)
    first = codes.search("", "pattern", disease_code=disease, limit=5)
    assert len(first) == 5
    assert all(any(c.key == p or c.key.startswith(p + ".") for p in usual) for c in first)


def test_every_usual_pattern_row_names_real_classes_and_a_source(app):
    rows = yaml.safe_load(codes.USUAL_PATTERNS_FILE.read_text(encoding="utf-8"))
    for row in rows:
        disease = codes.find(row["disease"])
        assert disease is not None and disease.kind == "disease", row
        for prefix in row["patterns"]:
            pattern = codes.find(prefix)
            assert pattern is not None and pattern.kind == "pattern", (row, prefix)
        assert row["source"].strip()


def test_a_disease_outside_every_usual_class_has_no_usual_patterns(app):
    assert codes.usual_pattern_prefixes("A17.30") == ()  # 胃痛, a temporary term
    assert codes.usual_pattern_prefixes("") == ()


def test_after_an_import_the_table_not_the_starter_file_answers(app):
    codes.import_table(
        "code,name,kind,parent\nA04.,脏腑病类,disease,\nA04.03,脾系病,disease,A04.\n"
    )
    assert codes.find("A04.03.15") is None
    assert codes.find_by_name("disease", "脾系病").code == "A04.03"


def test_a_rename_is_seen_at_once_even_with_the_clock_standing_still(app):
    table = "code,name,kind,parent\nA04.,脏腑病及相关病类,disease,\nA04.03,脾系病,disease,A04.\n"
    codes.import_table(table)
    assert codes.find("A04.03").name == "脾系病"
    codes.import_table(table.replace("脾系病", "脾系病类"))
    assert codes.find("A04.03").name == "脾系病类"


def test_a_class_name_is_not_coded_as_a_diagnosis(app):
    encounter = create_encounter()
    # 外感时令类病 (A01.01) groups 感冒 and others: it names a class, not a disease.
    diagnosis = encounters.record_diagnosis(encounter, encounter.doctor, "外感时令类病", "脾气虚证")
    assert diagnosis.disease_code is None
    with pytest.raises(ValidationError) as exc:
        encounters.record_diagnosis(
            encounter, encounter.doctor, "外感时令类病", "脾气虚证", "A01.01"
        )
    assert exc.value.fields == {"disease_code": ["unknown_code"]}


@pytest.mark.parametrize(
    "name, code",
    [
        ("脾系病", "A04.03"),
        ("心系病", "A04.01"),
        ("女性生殖病", "A09.02"),
        ("小儿杂病", "A10.04"),
    ],
    ids=[
        "脾系病 groups the 脾 diseases: not a diagnosis",
        "心系病 groups the 心 diseases: not a diagnosis",
        "女性生殖病 groups the 妇科 classes: not a diagnosis",
        "小儿杂病 groups the 儿科 diseases: not a diagnosis",
    ],
)
def test_a_two_level_class_cannot_be_picked_or_coded(app, name, code):
    assert name not in [c.name for c in codes.search(name, "disease")]
    encounter = create_encounter()
    assert (
        encounters.record_diagnosis(encounter, encounter.doctor, name, "脾气虚证").disease_code
        is None
    )
    with pytest.raises(ValidationError) as exc:
        encounters.record_diagnosis(encounter, encounter.doctor, name, "脾气虚证", code)
    assert exc.value.fields == {"disease_code": ["unknown_code"]}


@pytest.mark.parametrize(
    "name, code",
    [("郁病", "A05.01"), ("消渴病", "A06.09")],
    ids=["郁病 (two-level) is a disease: pickable", "消渴病 (two-level) is a disease: pickable"],
)
def test_a_two_level_disease_stays_pickable(app, name, code):
    assert codes.search(name, "disease")[0].code == code
    encounter = create_encounter()
    diagnosis = encounters.record_diagnosis(encounter, encounter.doctor, name, "脾气虚证", code)
    assert diagnosis.disease_code == code
