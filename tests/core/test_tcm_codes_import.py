"""`flask codes import FILE`: the GB/T 15657-2021 table as hospitals receive it (code, name, kind,
parent), validated, re-runnable, with a report of what changed."""

import csv
import io

import pytest
from sqlalchemy import select

from tcm_app.common import diagnosis_codes as shapes
from tcm_app.extensions import db
from tcm_app.models.codes import TcmCode
from tcm_app.services import codes

HEADER = "code,name,kind,parent\n"
GOOD = (
    HEADER
    + "A04.,脏腑病及相关病类,disease,\n"
    + "A04.03.,脾系病,disease,A04.\n"
    + "A04.03.15,胃痞病,disease,A04.03.\n"
    + "A17.,临时诊断用术语,disease,\n"
    + "A17.30,胃痛,disease,A17.\n"
    + "B04.,脏腑证候,pattern,\n"
    + "B04.03.,脾系证类,pattern,B04.\n"
    + "B04.03.01,脾证类,pattern,B04.03.\n"
    + "B04.03.01.01,脾气虚证,pattern,B04.03.01\n"
)


def refusals(text: str) -> list[tuple[int, str, str]]:
    return shapes.check_rows(shapes.read_csv_rows(text)).refused


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        pytest.param(
            "X04.01,某病,disease,\n",
            2,
            "不符合 GB/T 15657-2021 的格式",
            id="a code that is not of the 2021 shape is refused with its line",
        ),
        pytest.param(
            "B04.01,心系证类,disease,\n",
            2,
            "不符合 GB/T 15657-2021 的格式",
            id="a pattern code filed as a disease is refused",
        ),
        pytest.param(
            "A04.03.15.01.02.03.04.05,过深,disease,\n",
            2,
            "格式",
            id="more than seven levels is not a 2021 code",
        ),
        pytest.param("A04.,,disease,\n", 2, "缺少名称", id="a row without a name is refused"),
        pytest.param("A04.,脏腑病,symptom,\n", 2, "类别", id="an unknown kind is refused"),
        pytest.param(
            "A04.03.15,胃痞病,disease,A04.03.\n",
            2,
            "上级代码 A04.03. 不存在",
            id="a code whose parent is in neither the file nor the table is refused",
        ),
        pytest.param(
            "A04.,脏腑病,disease,\nA04,脏腑病,disease,\n",
            3,
            "代码重复（与第 2 行相同）",
            id="A04 and A04. are the same code: the second is a duplicate",
        ),
        pytest.param(
            "A04.,脏腑病,disease,\nA04.03.15,胃痞病,disease,A04.\n",
            3,
            "层级不符",
            id="a parent that skips a level is refused",
        ),
    ],
)
def test_each_kind_of_bad_row_is_refused_with_its_line_and_reason(body, line, message):
    refused = refusals(HEADER + body)
    assert refused, "row was accepted"
    assert refused[-1][0] == line
    assert message in refused[-1][2]


def test_a_refused_parent_refuses_its_children_too():
    text = (
        HEADER + "A04.,,disease,\nA04.03.,脾系病,disease,A04.\nA04.03.15,胃痞病,disease,A04.03.\n"
    )
    assert [r[0] for r in refusals(text)] == [2, 3, 4]


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        pytest.param("A04.", True, id="a class code ends in a dot"),
        pytest.param("B04.06.02.04.01.01.02", True, id="patterns go seven levels deep"),
        pytest.param("A04.03.15", True, id="a disease code"),
        pytest.param("a04.03.15", True, id="lower case is accepted and upper-cased"),
        pytest.param("A4.03", False, id="the class has two digits"),
        pytest.param("A04..03", False, id="no empty level"),
    ],
)
def test_code_shapes_of_the_2021_table(code, ok):
    assert shapes.is_disease_code(shapes.normalise_code(code)) == ok or code.startswith("B")
    if code.startswith("B"):
        assert shapes.is_syndrome_code(code) == ok


def test_a17_rows_are_temporary_terms_even_without_the_column():
    rows = shapes.check_rows(shapes.read_csv_rows(GOOD)).rows
    temporary = {r.code for r in rows if r.temporary}
    assert temporary == {"A17.", "A17.30"}


def stored() -> dict[str, TcmCode]:
    return {r.code_key: r for r in db.session.scalars(select(TcmCode))}


def test_good_file_is_imported_with_pinyin_and_initials(app):
    report = codes.import_table(GOOD)
    assert len(report.added) == 9 and not report.refused
    row = stored()["A04.03.15"]
    assert (row.name, row.pinyin, row.initials, row.parent_key) == (
        "胃痞病",
        "wei pi bing",
        "wpb",
        "A04.03",
    )


def test_re_run_reports_renames_and_deactivates_without_deleting(app):
    codes.import_table(GOOD)
    second = GOOD.replace("胃痞病", "胃痞").replace("B04.03.01.01,脾气虚证,pattern,B04.03.01\n", "")
    second += "bad,坏行,disease,\n"
    report = codes.import_table(second)
    assert report.renamed == [(4, "A04.03.15", "胃痞病", "胃痞")]
    assert report.deactivated == [("B04.03.01.01", "脾气虚证")]
    assert report.refused and report.refused[0][0] == 10
    assert report.unchanged == 7
    kept = stored()["B04.03.01.01"]
    assert kept.active is False and kept.name == "脾气虚证"
    lines = report.lines()
    assert lines[0].startswith("新增 0，改名 1，恢复 0，停用 1，拒收 1")
    assert "停用 B04.03.01.01 脾气虚证（文件中已无此代码）" in lines
    again = codes.import_table(GOOD)
    assert again.reactivated == [(10, "B04.03.01.01", "脾气虚证")]


def test_a_partial_import_deactivates_nothing(app):
    codes.import_table(GOOD)
    report = codes.import_table(HEADER + "A04.03.16,胃胀病,disease,A04.03.\n", full=False)
    assert [r[1] for r in report.added] == ["A04.03.16"] and not report.deactivated


def test_the_cli_prints_the_report(app, runner, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["codes", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "新增 9" in result.output and "新增 第4行 A04.03.15 胃痞病" in result.output
    result = runner.invoke(args=["codes", "import", str(path)])
    assert "未变 9" in result.output


def test_the_shipped_starter_set_is_valid_and_large_enough():
    text = codes.STARTER_FILE.read_text(encoding="utf-8")
    check = shapes.check_rows(shapes.read_csv_rows(text))
    assert not check.refused
    kinds = {k: sum(1 for r in check.rows if r.kind == k) for k in shapes.KINDS}
    assert kinds["disease"] >= 300 and kinds["pattern"] >= 400 and kinds["method"] > 0
    assert sum(1 for r in check.rows if r.temporary and not r.code.endswith(".")) == 53
    rows = list(csv.DictReader(io.StringIO(text)))
    assert all(r["source"].count("https://github.com/") >= 1 for r in rows)


def test_if_empty_leaves_an_imported_table_alone(app, runner, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert "新增 9" in runner.invoke(args=["codes", "import", "--if-empty", str(path)]).output
    path.write_text(HEADER + "A04.,脏腑病及相关病类,disease,\n", encoding="utf-8")
    result = runner.invoke(args=["codes", "import", "--if-empty", str(path)])
    assert "未导入" in result.output and len(stored()) == 9


def test_an_xlsx_sheet_imports_like_the_csv(app, runner, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in csv.reader(io.StringIO(GOOD)):
        workbook.active.append([cell or None for cell in row])  # empty parent: an empty cell
    path = tmp_path / "codes.xlsx"
    workbook.save(path)
    result = runner.invoke(args=["codes", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "新增 9" in result.output and "新增 第4行 A04.03.15 胃痞病" in result.output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "codes.xlsx", b"PK not a workbook", "不是有效的 XLSX 文件", id="a broken xlsx"
        ),
        pytest.param("codes.xls", b"\xd0\xcf\x11\xe0", "不支持旧版 .xls 文件", id="an old xls"),
    ],
)
def test_a_sheet_that_cannot_be_read_is_refused_in_chinese(
    app, runner, tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(args=["codes", "import", str(path)])
    assert result.exit_code != 0 and message in result.output and not stored()


def test_an_import_is_audited_with_what_changed(app):
    from tcm_app.models.audit import AuditEntry

    codes.import_table(GOOD)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "codes.import")).one()
    assert entry.summary.startswith("新增 9")
