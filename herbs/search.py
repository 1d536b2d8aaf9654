"""Ranked herb search as the doctor types: Chinese name or alias, full pinyin, initials (`gc` ->
甘草) or any mix (`ganc`, `gcao`), and a one-letter typo of the full pinyin (`gancaw`). Pure:
standard library only.

Order: an exact name, alias or full pinyin first; then prefixes (initials, syllable starts);
then infixes of Chinese names; then typos. Equal ranks go to herbs in stock, then to what this
clinic prescribes most, then to how common the herb family is in the classical formulas.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from herbs.catalogue import Herb, normalise_name
from tcm_app.common.pinyin_match import match_syllables

# Lower rank = better. A name beats an alias; a whole match beats a prefix beats a substring.
EXACT_NAME, EXACT_ALIAS, NAME_PREFIX, PINYIN_WHOLE, ALIAS_PREFIX = 0, 1, 2, 3, 4
PINYIN_PREFIX, ALIAS_PINYIN, NAME_INFIX, ALIAS_INFIX = 5, 6, 7, 8
TYPO_NAME, TYPO_ALIAS = 9, 10
# Typos are looked for in full pinyin of at least this many letters: shorter queries are initials
# or the start of a syllable, where one letter off matches half the catalogue.
TYPO_MIN_LETTERS = 4
# Initials: only two adjacent letters swapped (`fxb` for 法半夏), from three syllables up.
SWAPPED_INITIALS_MIN = 3


@dataclass(frozen=True)
class SearchEntry:
    """One searchable spelling of a herb: its name or one alias, with that spelling's pinyin."""

    code: str
    text: str
    syllables: tuple[str, ...]
    is_alias: bool

    @property
    def key(self) -> str:
        return normalise_name(self.text)

    @property
    def compact(self) -> str:
        """The full pinyin as typed in an input method: `huangqi`, ü as v."""
        return "".join(self.syllables).replace("ü", "v")

    @property
    def initials(self) -> str:
        return "".join(syllable[0] for syllable in self.syllables).replace("ü", "v")


@dataclass(frozen=True)
class Hit:
    code: str
    rank: int
    matched: str


def tie_break(herb: Herb, prescribed: int, commonness: int, in_templates: int = 0) -> tuple:
    """Sort key among equal ranks: in stock first, then this clinic's prescribing count for the
    herb, then the shipped commonness of its family, then how many of the clinic's formula
    templates use the herb (the agreed formulas name herbs the 2018 list lacks, such as 党参),
    base herbs before processed forms, shorter names first, and the pinyin so the order never
    depends on load order."""
    return (
        herb.stock_g <= 0,
        -prescribed,
        -commonness,
        -in_templates,
        herb.base_code is not None,
        len(herb.name),
        herb.pinyin,
    )


class SearchIndex:
    """Built once per catalogue version; `search` is then a scan over a first-letter bucket."""

    def __init__(self, entries: list[SearchEntry], order: dict[str, tuple]):
        self.entries = tuple(entries)
        self._keys = tuple((entry, entry.key) for entry in entries)  # normalised once
        self.order = order  # tie-break per herb code, see `tie_break`
        self._by_letter: dict[str, list[tuple[SearchEntry, str]]] = {}
        # Symmetric deletion index: every full pinyin and each of its one-letter deletions. Two
        # spellings within one edit (wrong, missing, extra or swapped letter) share a key.
        self._by_deletion: dict[str, list[tuple[SearchEntry, str]]] = {}
        self._by_initials: dict[str, list[SearchEntry]] = {}
        for entry in entries:
            if not entry.syllables:
                continue
            compact = entry.compact
            self._by_letter.setdefault(compact[0], []).append((entry, compact))
            for variant in {compact, *_deletions(compact)}:
                self._by_deletion.setdefault(variant, []).append((entry, compact))
            self._by_initials.setdefault(entry.initials, []).append(entry)

    def reordered(self, order: dict[str, tuple]) -> SearchIndex:
        """The same entries with a new tie-break (the clinic's counts change once a day)."""
        reordered = copy.copy(self)  # the buckets are shared: only the order changes
        reordered.order = order
        return reordered

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        text = normalise_name(query)
        if not text:
            return []
        best: dict[str, Hit] = {}
        _keep_best(best, self._pinyin_hits(text) if text.isascii() else self._chinese_hits(text))
        if text.isascii() and len(best) < limit:
            # Typos rank after every correct match, so only look when those leave room.
            _keep_best(best, self._typo_hits(text))
        ranked = sorted(best.values(), key=lambda hit: (hit.rank, self.order.get(hit.code, ())))
        return ranked[:limit]

    def _chinese_hits(self, text: str):
        for entry, key in self._keys:
            if text not in key:
                continue
            rank = _chinese_rank(text, entry, key)
            yield Hit(entry.code, rank, entry.text)

    def _pinyin_hits(self, text: str):
        for entry, compact in self._by_letter.get(text[0], ()):
            if text == compact:
                yield Hit(entry.code, EXACT_ALIAS if entry.is_alias else EXACT_NAME, entry.text)
                continue
            whole = match_syllables(text, entry.syllables)
            if whole is None:
                continue
            rank = ALIAS_PINYIN if entry.is_alias else PINYIN_WHOLE if whole else PINYIN_PREFIX
            yield Hit(entry.code, rank, entry.text)

    def _typo_hits(self, text: str):
        if len(text) >= TYPO_MIN_LETTERS:
            candidates = {}
            for variant in {text, *_deletions(text)}:
                for entry, compact in self._by_deletion.get(variant, ()):
                    candidates[id(entry)] = (entry, compact)
            for entry, compact in candidates.values():
                if within_one_edit(text, compact):
                    yield Hit(entry.code, TYPO_ALIAS if entry.is_alias else TYPO_NAME, entry.text)
        if len(text) >= SWAPPED_INITIALS_MIN:
            for swapped in _adjacent_swaps(text):
                for entry in self._by_initials.get(swapped, ()):
                    yield Hit(entry.code, TYPO_ALIAS if entry.is_alias else TYPO_NAME, entry.text)


def _deletions(text: str) -> list[str]:
    return [text[:i] + text[i + 1 :] for i in range(len(text))]


def _keep_best(best: dict[str, Hit], hits) -> None:
    """One hit per herb: the best-ranked spelling."""
    for hit in hits:
        if hit.code not in best or hit.rank < best[hit.code].rank:
            best[hit.code] = hit


def _adjacent_swaps(text: str):
    for i in range(len(text) - 1):
        if text[i] != text[i + 1]:
            yield text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein (optimal string alignment) distance exactly 1: one letter wrong,
    missing, extra, or two adjacent letters swapped. Linear, no table."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):  # one letter extra in b
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:  # one letter wrong
        return True
    swapped = start + 1 < len(a) and a[start] == b[start + 1] and a[start + 1] == b[start]
    return swapped and a[start + 2 :] == b[start + 2 :]


def _chinese_rank(text: str, entry: SearchEntry, target: str) -> int:
    if target == text:
        return EXACT_ALIAS if entry.is_alias else EXACT_NAME
    if target.startswith(text):
        return ALIAS_PREFIX if entry.is_alias else NAME_PREFIX
    return ALIAS_INFIX if entry.is_alias else NAME_INFIX
