"""Look-alike and sound-alike herb pairs (易混淆中药饮片) from herbs/data/lookalikes.yaml, checked
against the catalogue. Pure: no framework, no I/O (the caller reads the file)."""

from __future__ import annotations

from dataclasses import dataclass

from herbs.catalogue import CatalogueIndex


@dataclass(frozen=True)
class Lookalike:
    """The other herb of a pair, seen from one herb: what the hint names and why."""

    other: str
    reason: str
    source: str
    other_in_catalogue: bool


@dataclass(frozen=True)
class LookalikeBook:
    by_code: dict[str, tuple[Lookalike, ...]]

    def for_code(self, code: str | None) -> tuple[Lookalike, ...]:
        return self.by_code.get(code, ()) if code else ()


EMPTY = LookalikeBook({})


def build_lookalikes(
    document: dict | None, index: CatalogueIndex
) -> tuple[LookalikeBook, list[str]]:
    """The pairs as hints per herb code, and every problem for the reviewer. A bad pair is left
    out (and reported) rather than breaking the catalogue."""
    document = document or {}
    problems: list[str] = []
    not_stocked = _not_stocked_names(document, problems)
    found: dict[str, list[Lookalike]] = {}
    seen: set[frozenset[str]] = set()
    for number, pair in enumerate(document.get("pairs") or [], start=1):
        names = pair.get("names") if isinstance(pair, dict) else None
        where = f"pair {number} {names}"
        if not isinstance(names, list) or len(names) != 2 or names[0] == names[1]:
            problems.append(f"{where}: `names` must be two different names")
            continue
        if not str(pair.get("reason") or "").strip() or not str(pair.get("source") or "").strip():
            problems.append(f"{where}: a pair needs a reason and a source")
            continue
        if frozenset(names) in seen:
            problems.append(f"{where}: listed twice")
            continue
        seen.add(frozenset(names))
        herbs = [index.resolve(name) for name in names]
        unknown = [
            n for n, h in zip(names, herbs, strict=True) if h is None and n not in not_stocked
        ]
        if unknown:
            problems.append(
                f"{where}: not in the catalogue and not declared not_stocked: {unknown}"
            )
            continue
        for this, other_name, other in (
            (herbs[0], names[1], herbs[1]),
            (herbs[1], names[0], herbs[0]),
        ):
            if this is not None:
                hint = Lookalike(
                    other_name, pair["reason"].strip(), pair["source"].strip(), other is not None
                )
                found.setdefault(this.code, []).append(hint)
    return LookalikeBook({code: tuple(hints) for code, hints in found.items()}), problems


def _not_stocked_names(document: dict, problems: list[str]) -> set[str]:
    names = set()
    for row in document.get("not_stocked") or []:
        name = row.get("name") if isinstance(row, dict) else None
        if (
            not name
            or not str(row.get("why") or "").strip()
            or not str(row.get("source") or "").strip()
        ):
            problems.append(f"not_stocked {row!r}: needs a name, why and a source")
            continue
        names.add(name)
    return names
