"""GB/T 15657-2021 (中医病证分类与代码) codes: their shape, the checks of an imported code
table, and the ranked search as the doctor types. Pure: standard library only.

Shape (seen in public copies of the 2021 table): a letter for the part (A diseases, B patterns;
the therapy-method table we ship uses C), two digits for the class, then up to six levels of two
digits separated by dots. Class codes end in a dot: `A04.` 脏腑病及相关病类, `B01.03.` 表证,
`B04.06.02.04.01.01.02` 肝胃气滞阴虚证. The dot is part of how the code is written, not of its
identity: `A04.03` and `A04.03.` are the same code (some extractions drop it).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from tcm_app.common.pinyin_match import match_syllables

KINDS = ("disease", "pattern", "method")
LETTER_OF_KIND = {"disease": "A", "pattern": "B", "method": "C"}
_SHAPE = re.compile(r"^[ABC]\d{2}(\.\d{2}){0,6}\.?$")
# Kept for callers that check a single field of the diagnosis form.
DISEASE_CODE = re.compile(r"^A\d{2}(\.\d{2}){0,6}\.?$")
SYNDROME_CODE = re.compile(r"^B\d{2}(\.\d{2}){0,6}\.?$")
METHOD_CODE = re.compile(r"^C\d{2}(\.\d{2}){0,6}\.?$")
# ICD-10 national clinical edition (国家临床版 2.0): K29.5, K29.500, K29.500x001 (x upper-cased).
ICD10_CODE = re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,3}(X\d{3})?)?$")
MAX_NAME = 64
TRUE_WORDS = {"1", "true", "yes", "y", "是", "临时"}


def is_disease_code(code: str) -> bool:
    return bool(DISEASE_CODE.match(code or ""))


def is_syndrome_code(code: str) -> bool:
    return bool(SYNDROME_CODE.match(code or ""))


def is_method_code(code: str) -> bool:
    return bool(METHOD_CODE.match(code or ""))


def is_class(code: str, name: str) -> bool:
    """Class rows: codes written with a final dot, and names the standard gives its classes."""
    return code.endswith(".") or name.endswith(("类", "类病", "类术语"))


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


def code_key(code: str) -> str:
    """The identity of a code: `A04.03.` and `A04.03` are one code."""
    return normalise_code(code).rstrip(".")


def implied_parent_key(code: str) -> str:
    """`B01.03.02.01` -> `B01.03.02`; a top-level class (`A04.`) has none."""
    parts = code_key(code).split(".")
    return ".".join(parts[:-1])


@dataclass(frozen=True)
class CodeRow:
    line: int
    code: str
    name: str
    kind: str
    parent: str
    temporary: bool
    source: str


@dataclass
class RowCheck:
    rows: list[CodeRow] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, why)


def read_csv_rows(text: str) -> list[dict[str, str]]:
    """Rows of a CSV code table with their line numbers (the header is line 1)."""
    reader = csv.DictReader(text.splitlines())
    out = []
    for index, row in enumerate(reader, start=2):
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        clean["_line"] = str(index)
        out.append(clean)
    return out


def check_rows(
    raw_rows: list[dict[str, str]], known_keys: frozenset[str] = frozenset()
) -> RowCheck:
    """Validate an imported table: shape per kind, name present, no duplicates, parents exist
    (in the same file or among `known_keys` already in the table). A refused row refuses its
    children too, so nothing is imported under a parent that is not there."""
    result = RowCheck()
    seen: dict[str, int] = {}
    candidates: list[CodeRow] = []
    for raw in raw_rows:
        line = int(raw.get("_line", "0"))
        row, why = _one_row(raw, line)
        if row is None:
            result.refused.append((line, raw.get("code", ""), why))
            continue
        key = code_key(row.code)
        if key in seen:
            result.refused.append((line, row.code, f"代码重复（与第 {seen[key]} 行相同）"))
            continue
        seen[key] = line
        candidates.append(row)
    accepted = {code_key(r.code) for r in candidates}
    changed = True
    while changed:  # drop rows whose parent is missing, then their children, and so on
        changed = False
        for row in list(candidates):
            parent = code_key(row.parent)
            if parent and parent not in accepted and parent not in known_keys:
                candidates.remove(row)
                accepted.discard(code_key(row.code))
                result.refused.append((row.line, row.code, f"上级代码 {row.parent} 不存在"))
                changed = True
    result.rows = candidates
    result.refused.sort()
    return result


def _one_row(raw: dict[str, str], line: int) -> tuple[CodeRow | None, str]:
    code = normalise_code(raw.get("code", ""))
    name = raw.get("name", "").strip()
    kind = raw.get("kind", "").strip().lower()
    if kind not in KINDS:
        return None, f"类别“{kind}”无效（应为 disease、pattern 或 method）"
    if not code:
        return None, "缺少代码"
    if not _SHAPE.match(code) or code[0] != LETTER_OF_KIND[kind]:
        return None, f"代码“{code}”不符合 GB/T 15657-2021 的格式"
    if not name:
        return None, "缺少名称"
    if len(name) > MAX_NAME:
        return None, f"名称超过 {MAX_NAME} 字"
    parent = normalise_code(raw.get("parent", ""))
    if parent and code_key(parent) != implied_parent_key(code):
        return None, f"上级代码 {parent} 与代码 {code} 的层级不符"
    if not parent and implied_parent_key(code):
        parent = implied_parent_key(code)
    temporary = raw.get("temporary", "").strip().lower() in TRUE_WORDS or (
        kind == "disease" and code_key(code).startswith("A17")
    )
    source = raw.get("source", "").strip()
    return CodeRow(line, code, name, kind, parent, temporary, source), ""


# --- search as the doctor types: name, full pinyin, initials, or a mix (like the herb search) ---

EXACT_NAME, NAME_PREFIX, PINYIN_WHOLE, PINYIN_PREFIX, NAME_INFIX, CODE_PREFIX = range(6)


@dataclass(frozen=True)
class SearchEntry:
    code: str
    name: str
    syllables: tuple[str, ...]


def rank(query: str, entry: SearchEntry) -> int | None:
    """Lower is better; None when the entry does not match."""
    text = (query or "").strip()
    if not text:
        return None
    if text.isascii():
        lower = text.lower()
        if lower[0] in "abc" and len(lower) > 1 and lower[1].isdigit():
            return CODE_PREFIX if entry.code.upper().startswith(text.upper()) else None
        whole = match_syllables(lower, entry.syllables)
        if whole is None:
            return None
        return PINYIN_WHOLE if whole else PINYIN_PREFIX
    if entry.name == text:
        return EXACT_NAME
    if entry.name.startswith(text):
        return NAME_PREFIX
    return NAME_INFIX if text in entry.name else None
