"""The herb catalogue as plain values: validating data-file rows and resolving any written name
(name, alias, processed form, code) to one herb. Pure: standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

NATURES = frozenset({"大寒", "寒", "微寒", "凉", "平", "微温", "温", "热", "大热"})
TOXICITIES = frozenset({"小毒", "有毒", "大毒"})
PREGNANCY_CLASSES = frozenset({"禁用", "慎用"})
# Special decoction methods (《中药处方格式及书写规范》 footnotes) the catalogue may pre-fill.
METHODS = ("先煎", "后下", "包煎", "另煎", "烊化", "冲服", "溶化")
INHERITED = (
    "category",
    "subcategory",
    "nature",
    "flavours",
    "meridians",
    "dose_g",
    "dose_note",
    "toxicity",
    "pregnancy",
    "method",
)
REQUIRED = ("code", "name", "pinyin", "latin", "source")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
PINYIN_PATTERN = re.compile(r"^[a-z]+( [a-z]+)*$")  # pypinyin lazy_pinyin: ü is v
MAX_DOSE_G = 250
# Column sizes in the database (herbs/models.py): a longer value is a data error, on any backend.
MAX_LENGTHS = {
    "name": 32,
    "latin": 160,
    "processing": 40,
    "category": 32,
    "subcategory": 32,
    "source": 200,
    "pinyin": 120,
}
MAX_ALIAS_LENGTH = 32
# Editions a row may claim in `checked_against` (else it has the file's `pharmacopoeia`).
# ChP 2025 is in force since 2025-10-01; a row says 2025 only once it was checked against 2025.
PHARMACOPOEIA_EDITIONS = ("中华人民共和国药典 2020年版 一部", "中华人民共和国药典 2025年版 一部")


@dataclass(frozen=True)
class Herb:
    """One decoction piece (饮片). `base_code` is None for a base herb."""

    code: str
    name: str
    pinyin: str
    latin: str
    aliases: tuple[str, ...] = ()
    base_code: str | None = None
    processing: str | None = None
    category: str | None = None
    subcategory: str | None = None
    nature: str | None = None
    flavours: tuple[str, ...] = ()
    meridians: tuple[str, ...] = ()
    dose_min_g: Decimal | None = None
    dose_max_g: Decimal | None = None
    dose_note: str | None = None
    toxicity: str | None = None
    toxic_28: bool = False
    pregnancy: str | None = None
    method: str | None = None
    price_per_g: Decimal = Decimal("0")
    stock_g: int = 0
    source: str = ""
    edition: str = ""

    @property
    def initials(self) -> str:
        return initials_of(self.pinyin)

    @property
    def root_code(self) -> str:
        return self.base_code or self.code


def initials_of(pinyin: str) -> str:
    """`gan cao` -> `gc` (首字母, what doctors type on a phone keyboard)."""
    return "".join(syllable[0] for syllable in pinyin.split() if syllable).replace("ü", "v")


@dataclass
class CatalogueProblems:
    """Everything wrong with a set of data files, as readable lines for a reviewer."""

    errors: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")


def parse_documents(documents: dict[str, dict]) -> tuple[list[Herb], list[str]]:
    """Turn parsed data files ({file name: mapping}) into herbs, or report every problem."""
    problems = CatalogueProblems()
    raw_rows: list[tuple[str, dict, str]] = []
    for file_name, document in sorted(documents.items()):
        edition = (document or {}).get("pharmacopoeia")
        if not edition:
            problems.add(file_name, "names no pharmacopoeia edition")
        rows = (document or {}).get("herbs") or []
        raw_rows += [(f"{file_name} #{i + 1}", row, edition or "") for i, row in enumerate(rows)]
    by_code = {}
    for where, row, _edition in raw_rows:
        code = row.get("code") if isinstance(row, dict) else None
        if code in by_code:
            problems.add(where, f"code {code} is used twice")
        by_code[code] = row
    parsed = [
        _parse_row(where, row, edition, by_code, problems) for where, row, edition in raw_rows
    ]
    herbs = [herb for herb in parsed if herb is not None]
    _check_unique_names(herbs, problems)
    return herbs, problems.errors


def _parse_row(where, row, edition, by_code, problems) -> Herb | None:
    if not isinstance(row, dict):
        problems.add(where, "is not a mapping")
        return None
    missing = [key for key in REQUIRED if not row.get(key)]
    if missing:
        problems.add(where, f"lacks {', '.join(missing)}")
        return None
    where = f"{where} ({row['code']} {row['name']})"
    values = dict(row)
    base_code = row.get("base")
    if base_code:
        base = by_code.get(base_code)
        if base is None or base.get("base"):
            problems.add(where, f"base {base_code} is not a base herb in the catalogue")
            return None
        for key in INHERITED:
            values.setdefault(key, base.get(key))
    _check_row(where, values, problems)
    edition = _checked_against(where, row, edition, problems)
    low, high = _dose_range(where, values.get("dose_g"), problems)
    return Herb(
        code=values["code"],
        name=values["name"],
        pinyin=values["pinyin"],
        latin=values["latin"],
        aliases=tuple(values.get("aliases") or ()),
        base_code=base_code,
        processing=values.get("processing"),
        category=values.get("category"),
        subcategory=values.get("subcategory"),
        nature=values.get("nature"),
        flavours=tuple(values.get("flavours") or ()),
        meridians=tuple(values.get("meridians") or ()),
        dose_min_g=low,
        dose_max_g=high,
        dose_note=values.get("dose_note"),
        toxicity=values.get("toxicity"),
        toxic_28=bool(row.get("toxic_28", False)),
        pregnancy=values.get("pregnancy"),
        method=values.get("method"),
        price_per_g=_decimal(where, "price_per_g", row.get("price_per_g", 0), problems),
        stock_g=int(row.get("stock_g") or 0),
        source=values["source"],
        edition=edition,
    )


def _check_row(where: str, values: dict, problems: CatalogueProblems) -> None:
    checks = (
        (CODE_PATTERN.match(str(values["code"])), "code must be lowercase ASCII"),
        (PINYIN_PATTERN.match(str(values["pinyin"])), "pinyin must be toneless syllables"),
        (values.get("nature") in NATURES | {None}, f"unknown nature {values.get('nature')}"),
        (values.get("toxicity") in TOXICITIES | {None}, "toxicity must be 小毒/有毒/大毒 or null"),
        (values.get("pregnancy") in PREGNANCY_CLASSES | {None}, "pregnancy must be 禁用/慎用"),
        (values.get("method") in (*METHODS, None), f"unknown method {values.get('method')}"),
        (values.get("category"), "needs a category"),
        (not (values.get("toxic_28") and values.get("base")), "a processed form is never toxic_28"),
        (not (values.get("base") and not values.get("processing")), "processed form: processing"),
    )
    for passed, message in checks:
        if not passed:
            problems.add(where, message)
    for key, limit in MAX_LENGTHS.items():
        if len(str(values.get(key) or "")) > limit:
            problems.add(where, f"{key} is longer than {limit} characters")
    if any(len(alias) > MAX_ALIAS_LENGTH for alias in values.get("aliases") or ()):
        problems.add(where, f"an alias is longer than {MAX_ALIAS_LENGTH} characters")


def _checked_against(where, row: dict, file_edition: str, problems) -> str:
    """The edition this row was checked against: its own `checked_against` (never inherited by a
    processed form: each row is checked on its own), else the file's `pharmacopoeia`."""
    edition = row.get("checked_against")
    if edition is None:
        return file_edition
    if edition not in PHARMACOPOEIA_EDITIONS:
        problems.add(where, f"checked_against must be one of {', '.join(PHARMACOPOEIA_EDITIONS)}")
        return file_edition
    return edition


def _dose_range(where, dose, problems) -> tuple[Decimal | None, Decimal | None]:
    if dose is None:
        return None, None
    if not (isinstance(dose, list) and len(dose) == 2):
        problems.add(where, "dose_g must be [min, max] or null")
        return None, None
    low = _decimal(where, "dose_g", dose[0], problems)
    high = _decimal(where, "dose_g", dose[1], problems)
    if not (Decimal(0) < low <= high <= MAX_DOSE_G):
        problems.add(where, f"dose range {dose} is not 0 < min <= max <= {MAX_DOSE_G}")
    return low, high


def _decimal(where, key, value, problems) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        problems.add(where, f"{key} {value!r} is not a number")
        return Decimal(0)
    if number < 0:
        problems.add(where, f"{key} is negative")
    return number


def _check_unique_names(herbs: list[Herb], problems: CatalogueProblems) -> None:
    owner: dict[str, str] = {}
    for herb in herbs:
        for written in (herb.name, *herb.aliases):
            if written in owner and owner[written] != herb.code:
                problems.add(herb.code, f"name {written} also belongs to {owner[written]}")
            owner.setdefault(written, herb.code)


def normalise_name(written: str) -> str:
    """What a doctor typed, as a lookup key: no spaces, half-width letters, lowercase codes."""
    return "".join(written.split()).translate(_FULL_WIDTH).lower()


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


RAW_MARK = "生"  # 《医疗用毒性药品管理办法》第九条: only a name written with 生 means the raw herb


def unmarked_dispensing(document: dict | None) -> dict[str, str]:
    """rules.yaml `dispensed_when_unmarked`: {raw herb name: processed form dispensed}."""
    rows = (document or {}).get("dispensed_when_unmarked") or []
    return {row["raw"]: row["dispensed"] for row in rows}


class CatalogueIndex:
    """Resolves any written name (name, alias, processed-form name, code, 生+name) to the herb that
    is dispensed for it.

    第九条 of 《医疗用毒性药品管理办法》: a toxic herb not written as raw (生) is dispensed
    processed.
    `dispensing` maps the raw herb's name to the processed form the pharmacy gives for an unmarked
    name (半夏 -> 法半夏); it is data (rules.yaml), never decided here. A toxic herb written with
    生 is the raw herb or unknown: it never falls back to a processed row (生姜皮, 生地黄炭 are
    names of their own, not a raw mark).
    """

    def __init__(self, herbs: list[Herb], dispensing: dict[str, str] | None = None):
        self.herbs = tuple(herbs)
        self.by_code = {herb.code: herb for herb in herbs}
        self._by_name: dict[str, Herb] = {}
        for herb in herbs:
            for written in (herb.name, *herb.aliases, herb.code):
                self._by_name.setdefault(normalise_name(written), herb)
        for herb in herbs:
            # 生甘草, 生黄芪: "raw" written before a base herb's name still means that herb.
            if herb.base_code is None:
                self._by_name.setdefault(normalise_name(RAW_MARK + herb.name), herb)
        self._dispensed: dict[str, Herb] = {}
        self.dispensing_problems: list[str] = []
        for raw_name, processed_name in (dispensing or {}).items():
            self._add_dispensing(raw_name, processed_name)

    def _add_dispensing(self, raw_name: str, processed_name: str) -> None:
        raw, processed = self._lookup(raw_name), self._lookup(processed_name)
        if raw is None or not raw.toxic_28 or raw.base_code:
            self.dispensing_problems.append(f"{raw_name} is not a raw herb of the 28 list")
        elif processed is None or processed.base_code != raw.code:
            problem = f"{processed_name} is not a processed form of {raw_name}"
            self.dispensing_problems.append(problem)
        else:
            self._dispensed[raw.code] = processed

    def _lookup(self, written: str) -> Herb | None:
        found = self._by_name.get(written)  # most lines are written exactly as catalogued
        return found if found is not None else self._by_name.get(normalise_name(written))

    def resolve(self, written: str) -> Herb | None:
        """The herb dispensed for what the doctor wrote, or None."""
        herb = self._lookup(written)
        if herb is None:
            return None
        if not is_written_raw(written):
            return self._dispensed.get(herb.code, herb)
        if herb.base_code and self.root(herb).toxic_28:
            return None  # 生 marks the raw herb: a processed row of a toxic herb is never meant
        return herb

    def substituted_raw(self, written: str) -> Herb | None:
        """The raw toxic herb an unmarked name names when its processed form is dispensed."""
        herb = self._lookup(written)
        if herb is None or is_written_raw(written) or herb.code not in self._dispensed:
            return None
        return herb

    def root(self, herb: Herb) -> Herb:
        return self.by_code.get(herb.base_code, herb) if herb.base_code else herb

    def processed_forms(self, herb: Herb) -> list[Herb]:
        return [other for other in self.herbs if other.base_code == herb.code]

    def __len__(self) -> int:
        return len(self.herbs)


def is_written_raw(written: str) -> bool:
    return normalise_name(written).startswith(RAW_MARK)
