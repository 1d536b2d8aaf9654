"""Formula templates (古代经典名方 and 协定方): import from the data files, list, and turn one into
editor lines. A template only pre-fills the editor; the doctor edits and confirms every line."""

from pypinyin import lazy_pinyin
from sqlalchemy import or_, select

from herbs.models import FormulaKind, FormulaTemplate, FormulaTemplateLine
from herbs.services.catalogue import current_catalogue, invalidate
from herbs.services.data_files import read_yaml_folder
from tcm_app.common.errors import NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.services.audit import record_audit

FILES = {"classical_2018.yaml": FormulaKind.CLASSICAL, "agreed.yaml": FormulaKind.AGREED}
TEMPLATE_FIELDS = (
    "number",
    "name",
    "book",
    "dynasty",
    "author",
    "form",
    "preparation",
    "usage",
    "indication",
    "based_on",
    "note",
)


def import_formulas(documents: dict[str, dict] | None = None) -> int:
    """Upsert every template by code and replace its lines; flushes, the caller commits."""
    documents = documents or read_yaml_folder("formulas")
    catalogue = current_catalogue()
    problems: list[str] = []
    count = 0
    existing = {t.code: t for t in db.session.scalars(select(FormulaTemplate))}
    for file_name, kind in FILES.items():
        document = documents.get(file_name) or {}
        for row in document.get("formulas") or []:
            template = existing.get(row["code"]) or FormulaTemplate(code=row["code"])
            db.session.add(template)
            _fill(template, row, kind, document.get("source", ""))
            template.lines = _lines(row, catalogue, problems)
            count += 1
    if problems:
        raise ValidationError(
            "formula herbs not in the catalogue: " + ", ".join(problems), "bad_data"
        )
    db.session.flush()
    record_audit("herbs.import_formulas", "formula_templates", "all", f"{count} templates imported")
    invalidate()  # search ranking uses how often the templates name each herb
    return count


def _fill(template: FormulaTemplate, row: dict, kind: str, source: str) -> None:
    template.kind = kind
    for field in TEMPLATE_FIELDS:
        setattr(template, field, row.get(field))
    syllables = lazy_pinyin(row["name"])
    # Searchable as full pinyin or initials: "guizhitang gzt".
    template.pinyin = "".join(syllables) + " " + "".join(s[0] for s in syllables)
    template.source = source
    template.active = True


def _lines(row: dict, catalogue, problems: list[str]) -> list[FormulaTemplateLine]:
    lines = []
    for position, line in enumerate(row.get("lines") or []):
        if line.get("adjuvant"):
            lines.append(_adjuvant_line(position, line))
            continue
        herb = catalogue.index.resolve(line["herb"])
        if herb is None:
            problems.append(f"{row['name']}: {line['herb']}")
            continue
        lines.append(
            FormulaTemplateLine(
                position=position,
                herb_name=herb.name,
                herb_id=catalogue.records_by_code[herb.code],
                original=line.get("original"),
                dose_g=line.get("dose_g"),
                method=line.get("method") or herb.method,
            )
        )
    return lines


def _adjuvant_line(position: int, line: dict) -> FormulaTemplateLine:
    """白酒 in 瓜蒌薤白半夏汤: part of the formula but not a 饮片. It has no herb, so the editor
    carries it as text into the usage instead of a herb row (never checked as an unknown herb)."""
    return FormulaTemplateLine(
        position=position,
        herb_name=line["adjuvant"],
        herb_id=None,
        original=line.get("original"),
        dose_g=None,
        method=None,
    )


def adjuvant_text(template: FormulaTemplate) -> str:
    """The adjuvant lines as one phrase for the usage text ("白酒 一斗"); empty if none."""
    return "；".join(line.original or line.herb_name for line in template.adjuvant_lines)


def search_templates(query: str = "", kind: str | None = None, limit: int = 50):
    statement = select(FormulaTemplate).where(FormulaTemplate.active)
    if kind:
        statement = statement.where(FormulaTemplate.kind == kind)
    text = "".join(query.split()).lower()
    if text:
        like = f"%{text}%"
        statement = statement.where(
            or_(FormulaTemplate.name.like(like), FormulaTemplate.pinyin.like(like))
        )
    order = (FormulaTemplate.kind, FormulaTemplate.number, FormulaTemplate.name)
    return list(db.session.scalars(statement.order_by(*order).limit(limit)))


def get_template(template_id: int) -> FormulaTemplate:
    template = db.session.get(FormulaTemplate, template_id)
    if template is None or not template.active:
        raise NotFoundError("no such formula template")
    return template
