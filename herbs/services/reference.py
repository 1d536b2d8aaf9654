"""The herbs domain's shipped reference data: the catalogue, then the formula templates."""

from herbs.services import catalogue, formulas


def load_reference() -> str:
    report = catalogue.import_herbs()
    templates = formulas.import_formulas()
    return (
        f"herbs: {report.total} ({report.created} new, {report.updated} updated); "
        f"formula templates: {templates}"
    )
