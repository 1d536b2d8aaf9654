"""Names and codes of GB/T 15657-2021 for the diagnosis form: a thin view over services.codes."""

from tcm_app.services import codes

_KIND = {"disease": "disease", "syndrome": "pattern", "pattern": "pattern", "method": "method"}


def code_for(kind: str, name: str) -> str:
    """The code for a disease or syndrome name, or "" when the table does not know it."""
    found = codes.find_by_name(_KIND[kind], name)
    return found.code if found else ""


def known_names(kind: str) -> list[str]:
    return sorted({c.name for c in codes.all_codes() if c.kind == _KIND[kind] and c.active})


def entries(kind: str) -> list[dict[str, str]]:
    """Names with their codes (active, non-class rows), for the diagnosis form's picker."""
    return [
        {"name": c.name, "code": c.code, "pinyin": " ".join(c.syllables)}
        for c in codes.all_codes()
        if c.kind == _KIND[kind] and c.active and not c.is_class
    ]
