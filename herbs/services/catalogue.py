"""The herb catalogue in the database: import from the reviewed data files, and the in-memory
index (names, rules, search) that the safety checker and the search use, rebuilt when it changes."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache

from pypinyin import lazy_pinyin
from sqlalchemy import func, select

from herbs.catalogue import CatalogueIndex, Herb, parse_documents, unmarked_dispensing
from herbs.lookalikes import EMPTY, LookalikeBook, build_lookalikes
from herbs.models import FormulaTemplateLine, HerbRecord, Prescription, PrescriptionLine
from herbs.safety import RuleBook, build_rule_book
from herbs.search import SearchEntry, SearchIndex, tie_break
from herbs.services.data_files import read_yaml_file, read_yaml_folder
from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today


@dataclass(frozen=True)
class Catalogue:
    index: CatalogueIndex
    rules: RuleBook
    search: SearchIndex
    records_by_code: dict[str, int]  # herb code -> database id
    lookalikes: LookalikeBook = EMPTY
    search_day: date | None = None  # the clinic day whose prescribing counts order the search


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    total: int


def import_herbs(documents: dict[str, dict] | None = None) -> ImportReport:
    """Upsert every herb of the data files by code (idempotent); flushes, the caller commits."""
    herbs, errors = parse_documents(documents or read_yaml_folder("herbs"))
    if errors:
        raise ValidationError("the herb data files have errors:\n" + "\n".join(errors), "bad_data")
    existing = {record.code: record for record in db.session.scalars(select(HerbRecord))}
    created = 0
    for herb in herbs:
        record = existing.get(herb.code)
        if record is None:
            record = HerbRecord(code=herb.code, stock_g=herb.stock_g)
            db.session.add(record)
            existing[herb.code] = record
            created += 1
        _copy_facts(record, herb)
    db.session.flush()
    for herb in herbs:
        existing[herb.code].base_id = existing[herb.base_code].id if herb.base_code else None
    db.session.flush()
    report = ImportReport(created, len(herbs) - created, len(herbs))
    record_audit("herbs.import", "herb_catalogue", "all", f"{report.total} herbs imported")
    invalidate()
    return report


def _copy_facts(record: HerbRecord, herb: Herb) -> None:
    """Catalogue facts follow the data file; live stock is only set when the herb is new."""
    record.name, record.pinyin, record.initials = herb.name, herb.pinyin, herb.initials
    record.latin, record.aliases = herb.latin, list(herb.aliases)
    record.processing, record.category, record.subcategory = (
        herb.processing,
        herb.category,
        herb.subcategory,
    )
    record.nature, record.flavours, record.meridians = (
        herb.nature,
        list(herb.flavours),
        list(herb.meridians),
    )
    record.dose_min_g = float(herb.dose_min_g) if herb.dose_min_g is not None else None
    record.dose_max_g = float(herb.dose_max_g) if herb.dose_max_g is not None else None
    record.dose_note, record.toxicity, record.toxic_28 = (
        herb.dose_note,
        herb.toxicity,
        herb.toxic_28,
    )
    record.pregnancy, record.method = herb.pregnancy, herb.method
    record.price_milliyuan_per_g = int(herb.price_per_g * 1000)
    record.source, record.edition, record.active = herb.source, herb.edition, True


def herb_from_record(record: HerbRecord, base_code: str | None) -> Herb:
    def decimal(value):
        return Decimal(str(value)) if value is not None else None

    return Herb(
        code=record.code,
        name=record.name,
        pinyin=record.pinyin,
        latin=record.latin,
        aliases=tuple(record.aliases or ()),
        base_code=base_code,
        processing=record.processing,
        category=record.category,
        subcategory=record.subcategory,
        nature=record.nature,
        flavours=tuple(record.flavours or ()),
        meridians=tuple(record.meridians or ()),
        dose_min_g=decimal(record.dose_min_g),
        dose_max_g=decimal(record.dose_max_g),
        dose_note=record.dose_note,
        toxicity=record.toxicity,
        toxic_28=record.toxic_28,
        pregnancy=record.pregnancy,
        method=record.method,
        price_per_g=Decimal(record.price_milliyuan_per_g) / 1000,
        stock_g=record.stock_g,
        source=record.source,
        edition=record.edition,
    )


logger = logging.getLogger(__name__)

# Per database: (stamp of the herb table, the catalogue, when the stamp was last read).
_cache: dict[str, tuple[tuple, Catalogue, float]] = {}
_cache_lock = threading.Lock()
# Searches come as the doctor types; reading the table's stamp once a second is enough for a
# change made by another process (this process invalidates at once on import).
STAMP_SECONDS = 1.0


def invalidate() -> None:
    with _cache_lock:
        _cache.clear()


def current_catalogue() -> Catalogue:
    """The catalogue as plain values, rebuilt only when the herb table changed; the search order
    follows the clinic's prescribing counts, recounted once per clinic day."""
    key = str(db.engine.url)
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(key)
    if cached and now - cached[2] < STAMP_SECONDS:
        return cached[1]
    stamp = tuple(
        db.session.execute(select(func.count(HerbRecord.id), func.max(HerbRecord.updated_at))).one()
    )
    catalogue = cached[1] if cached and cached[0] == stamp else _build_catalogue()
    today = clinic_today()
    if catalogue.search_day != today:
        order = search_order(
            catalogue.index.herbs,
            _prescribed_counts(catalogue),
            load_commonness(),
            _template_counts(catalogue),
        )
        catalogue = replace(catalogue, search=catalogue.search.reordered(order), search_day=today)
    with _cache_lock:
        _cache[key] = (stamp, catalogue, now)
    return catalogue


def _build_catalogue() -> Catalogue:
    records = list(db.session.scalars(select(HerbRecord).where(HerbRecord.active)))
    codes_by_id: dict[int | None, str] = {record.id: record.code for record in records}
    herbs = [herb_from_record(r, codes_by_id.get(r.base_id)) for r in records]
    rule_document = read_yaml_file("rules.yaml")
    index = CatalogueIndex(herbs, unmarked_dispensing(rule_document))
    rules, _unresolved = build_rule_book(rule_document, index)
    search = _search_index(tuple(_search_entries(herbs)))  # ordered by current_catalogue
    lookalikes, problems = build_lookalikes(read_yaml_file("lookalikes.yaml"), index)
    for problem in problems:  # a bad pair is left out; the data-file test fails on it in CI
        logger.warning("lookalikes.yaml: %s", problem)
    return Catalogue(index, rules, search, {r.code: r.id for r in records}, lookalikes)


def search_index_for(
    herbs: list[Herb],
    prescribed: dict[str, int],
    commonness: dict[str, int],
    in_templates: dict[str, int] | None = None,
) -> SearchIndex:
    """The search over `herbs` ordered by the clinic's counts and the shipped commonness."""
    order = search_order(herbs, prescribed, commonness, in_templates or {})
    return SearchIndex(_search_entries(herbs), order)


def search_order(herbs, prescribed, commonness, in_templates) -> dict[str, tuple]:
    return {
        herb.code: tie_break(
            herb,
            prescribed.get(herb.code, 0),
            commonness.get(herb.root_code, 0),
            in_templates.get(herb.code, 0),
        )
        for herb in herbs
    }


def _template_counts(catalogue: Catalogue) -> dict[str, int]:
    """How many formula template lines (classical and the clinic's agreed) name each herb."""
    codes_by_id = {record_id: code for code, record_id in catalogue.records_by_code.items()}
    rows = db.session.execute(
        select(FormulaTemplateLine.herb_id, func.count()).group_by(FormulaTemplateLine.herb_id)
    )
    return {codes_by_id[herb_id]: count for herb_id, count in rows if herb_id in codes_by_id}


def _prescribed_counts(catalogue: Catalogue) -> dict[str, int]:
    """How many signed prescription lines name each herb (drafts never count)."""
    codes_by_id = {record_id: code for code, record_id in catalogue.records_by_code.items()}
    rows = db.session.execute(
        select(PrescriptionLine.herb_id, func.count())
        .join(Prescription, Prescription.id == PrescriptionLine.prescription_id)
        .where(Prescription.signed_at.is_not(None))
        .group_by(PrescriptionLine.herb_id)
    )
    return {codes_by_id[herb_id]: count for herb_id, count in rows if herb_id in codes_by_id}


@lru_cache(maxsize=1)
def load_commonness() -> dict[str, int]:
    """{base herb code: number of the 2018 classical formulas using its family} (reviewed file)."""
    document = read_yaml_file("commonness.yaml")
    return {row["code"]: int(row["formulas"]) for row in document["families"]}


def _search_entries(herbs: list[Herb]) -> list[SearchEntry]:
    entries = []
    for herb in herbs:
        entries.append(SearchEntry(herb.code, herb.name, tuple(herb.pinyin.split()), False))
        for alias in herb.aliases:
            entries.append(SearchEntry(herb.code, alias, _alias_syllables(alias), True))
    return entries


@lru_cache(maxsize=4096)
def _alias_syllables(alias: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(alias))


@lru_cache(maxsize=4)
def _search_index(entries: tuple[SearchEntry, ...]) -> SearchIndex:
    """The index is a pure function of the spellings, and the costly part of a rebuild: a stock or
    price change rebuilds the catalogue but reuses the index (its order is set per clinic day by
    `reordered`, which copies, so the shared index is never changed)."""
    return SearchIndex(list(entries), {})
