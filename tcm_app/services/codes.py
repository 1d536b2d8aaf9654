"""Coded TCM diagnoses: importing the GB/T 15657-2021 table, looking codes up, and the picker's
search.

The table (`tcm_codes`) is filled by `flask codes import FILE`; `make run` and the demo import the
shipped starter set (tcm_app/data/gbt15657_codes.csv). Until a table has been imported, lookups
and search read that shipped file, so a fresh database still knows the starter codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin
from sqlalchemy import func, select

from tcm_app.common import diagnosis_codes as shapes
from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.codes import TcmCode
from tcm_app.models.types import utcnow
from tcm_app.services.audit import record_audit

STARTER_FILE = Path(__file__).resolve().parent.parent / "data" / "gbt15657_codes.csv"
# 常见证候 of each disease class, with the 辨证 system its source teaches (an ordering aid only).
USUAL_PATTERNS_FILE = STARTER_FILE.parent / "usual_patterns.yaml"


@lru_cache(maxsize=1)
def usual_pattern_classes() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(disease class, its usual pattern classes), longest disease prefix first."""
    rows = yaml.safe_load(USUAL_PATTERNS_FILE.read_text(encoding="utf-8"))
    pairs = [
        (shapes.code_key(row["disease"]), tuple(shapes.code_key(p) for p in row["patterns"]))
        for row in rows
    ]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    kind: str
    parent_key: str
    temporary: bool
    active: bool
    source: str
    syllables: tuple[str, ...]

    @property
    def key(self) -> str:
        return shapes.code_key(self.code)

    @property
    def is_class(self) -> bool:
        """A class groups terms (脾系证类, 痹证类病, A04.): it is never a diagnosis itself."""
        return shapes.is_class(self.code, self.name)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "parent": self.parent_key,
            "temporary": self.temporary,
            "active": self.active,
        }


@dataclass
class ImportReport:
    added: list[tuple[int, str, str]] = field(default_factory=list)
    renamed: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, code, old, new
    reactivated: list[tuple[int, str, str]] = field(default_factory=list)
    deactivated: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    unchanged: int = 0

    def lines(self) -> list[str]:
        out = [
            f"新增 {len(self.added)}，改名 {len(self.renamed)}，恢复 {len(self.reactivated)}，"
            f"停用 {len(self.deactivated)}，拒收 {len(self.refused)}，未变 {self.unchanged}"
        ]
        out += [f"新增 第{line}行 {code} {name}" for line, code, name in self.added]
        out += [f"改名 第{ln}行 {code} {old} → {new}" for ln, code, old, new in self.renamed]
        out += [f"恢复 第{line}行 {code} {name}" for line, code, name in self.reactivated]
        out += [f"停用 {code} {name}（文件中已无此代码）" for code, name in self.deactivated]
        out += [f"拒收 第{line}行 {code}：{why}" for line, code, why in self.refused]
        return out


def syllables_of(name: str) -> tuple[str, ...]:
    return tuple(s.lower() for s in lazy_pinyin(name) if s.isascii() and s.isalpha())


# --- import ---


def import_table(text: str, full: bool = True) -> ImportReport:
    """Upsert a code table (CSV text). With `full`, a stored code the file lacks is deactivated,
    never deleted: diagnoses already recorded keep their code. The caller commits."""
    existing = {row.code_key: row for row in db.session.scalars(select(TcmCode))}
    check = shapes.check_rows(shapes.read_csv_rows(text), frozenset(existing))
    report = ImportReport(refused=list(check.refused))
    now = utcnow()
    seen = set()
    for row in check.rows:
        key = shapes.code_key(row.code)
        seen.add(key)
        stored = existing.get(key)
        if stored is None:
            db.session.add(_new_row(row, key, now))
            report.added.append((row.line, row.code, row.name))
            continue
        if stored.name != row.name:
            report.renamed.append((row.line, row.code, stored.name, row.name))
        elif not stored.active:
            report.reactivated.append((row.line, row.code, row.name))
        else:
            report.unchanged += 1
        _update_row(stored, row, now)
    if full:
        for key, stored in existing.items():
            if key not in seen and stored.active:
                stored.active, stored.updated_at = False, now
                report.deactivated.append((stored.code, stored.name))
    db.session.flush()
    _table_codes.cache_clear()
    _TABLE_CACHE.clear()
    record_audit(
        "codes.import",
        "tcm_codes",
        "all",
        report.lines()[0],
        {
            "full": full,
            "added": len(report.added),
            "renamed": [code for _line, code, _old, _new in report.renamed],
            "deactivated": [code for code, _name in report.deactivated],
            "refused": len(report.refused),
        },
    )
    return report


def _new_row(row: shapes.CodeRow, key: str, now) -> TcmCode:
    record = TcmCode(code_key=key, active=True)
    _update_row(record, row, now)
    return record


def _update_row(record: TcmCode, row: shapes.CodeRow, now) -> None:
    syllables = syllables_of(row.name)
    record.code, record.name, record.kind = row.code, row.name, row.kind
    record.parent_key = shapes.code_key(row.parent)
    record.pinyin = " ".join(syllables)
    record.initials = "".join(s[0] for s in syllables)
    record.temporary, record.source, record.active = row.temporary, row.source[:400], True
    record.updated_at = now


def table_is_filled() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(TcmCode)))


def import_starter_set_if_empty() -> ImportReport | None:
    """`make run`'s setup and the demo: load the shipped starter set into an empty table."""
    if table_is_filled():
        return None
    return import_table(STARTER_FILE.read_text(encoding="utf-8"), full=True)


# --- lookup and search ---


@lru_cache(maxsize=1)
def _starter_codes() -> tuple[Code, ...]:
    rows = shapes.read_csv_rows(STARTER_FILE.read_text(encoding="utf-8"))
    check = shapes.check_rows(rows)
    return tuple(
        Code(
            r.code,
            r.name,
            r.kind,
            shapes.code_key(r.parent),
            r.temporary,
            True,
            r.source,
            syllables_of(r.name),
        )
        for r in check.rows
    )


@lru_cache(maxsize=1)
def _table_codes(_version: int = 0) -> tuple[Code, ...]:
    return tuple(
        Code(
            r.code,
            r.name,
            r.kind,
            r.parent_key,
            r.temporary,
            r.active,
            r.source,
            tuple(r.pinyin.split()),
        )
        for r in db.session.scalars(select(TcmCode).order_by(TcmCode.code_key))
    )


def all_codes() -> tuple[Code, ...]:
    """The imported table, or the shipped starter set while nothing has been imported."""
    count, last_id, stamp = db.session.execute(
        select(func.count(), func.max(TcmCode.id), func.max(TcmCode.updated_at))
    ).one()
    if not count:
        return _starter_codes()
    # Re-read when the table changed (an import bumps updated_at) or the database is another one.
    return _cached_table((str(db.engine.url), count, last_id, stamp))


_TABLE_CACHE: dict = {}


def _cached_table(version: tuple) -> tuple[Code, ...]:
    if _TABLE_CACHE.get("version") != version:
        _table_codes.cache_clear()
        _TABLE_CACHE.update(version=version, codes=_table_codes())
    return _TABLE_CACHE["codes"]


def find(code: str) -> Code | None:
    key = shapes.code_key(code)
    return next((c for c in all_codes() if c.key == key), None)


def find_by_name(kind: str, name: str) -> Code | None:
    name = (name or "").strip()
    matches = [
        c for c in all_codes() if c.kind == kind and c.name == name and c.active and not c.is_class
    ]
    return matches[0] if len(matches) == 1 else None


def search(query: str, kind: str = "", disease_code: str = "", limit: int = 20) -> list[Code]:
    """Ranked like the herb search (exact name, prefix, whole pinyin or initials, pinyin prefix,
    infix). For patterns, the usual patterns of the chosen disease come first."""
    usual = usual_pattern_prefixes(disease_code) if kind == "pattern" else ()
    hits = []
    for code in all_codes():
        if not code.active or code.is_class or (kind and code.kind != kind):
            continue
        entry = shapes.SearchEntry(code.code, code.name, code.syllables)
        rank = shapes.rank(query, entry) if query else 9
        if rank is None:
            continue
        is_usual = any(code.key == p or code.key.startswith(p + ".") for p in usual)
        hits.append(((not is_usual, rank, len(code.name), code.key), code))
    hits.sort(key=lambda item: item[0])
    return [code for _, code in hits[:limit]]


def usual_pattern_prefixes(disease_code: str) -> tuple[str, ...]:
    key = shapes.code_key(disease_code)
    if not key:
        return ()
    for disease_class, pattern_classes in usual_pattern_classes():
        if key == disease_class or key.startswith(disease_class + "."):
            return pattern_classes
    return ()


def resolve(kind: str, name: str, code: str, field_name: str) -> tuple[str, Code | None]:
    """The code to store for a name the doctor gave: a known code must exist, be active and be
    of the right kind; a name alone is coded when the table knows exactly one such name."""
    code = shapes.normalise_code(code)
    if not code:
        found = find_by_name(kind, name)
        return (found.code if found else ""), found
    shape_ok = {
        "disease": shapes.is_disease_code,
        "pattern": shapes.is_syndrome_code,
        "method": shapes.is_method_code,
    }[kind](code)
    if not shape_ok:
        raise ValidationError("diagnosis incomplete or malformed", fields={field_name: ["format"]})
    found = find(code)
    if found is None or not found.active or found.kind != kind or found.is_class:
        # A class groups terms; a diagnosis names one of them.
        raise ValidationError(
            "this code is not in the code table", fields={field_name: ["unknown_code"]}
        )
    if name and name != found.name:
        raise ValidationError(
            "the name does not match the code", fields={field_name: ["code_name_mismatch"]}
        )
    return found.code, found
