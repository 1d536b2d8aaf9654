"""Ranked herb search as the doctor types: Chinese name or alias, full pinyin, initials (`gc` ->
甘草) or any mix (`ganc`, `gcao`). Pure: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from herbs.catalogue import normalise_name

# Lower rank = better. A name beats an alias; a whole match beats a prefix beats a substring.
EXACT_NAME, EXACT_ALIAS, NAME_PREFIX, PINYIN_WHOLE, ALIAS_PREFIX = 0, 1, 2, 3, 4
PINYIN_PREFIX, ALIAS_PINYIN, NAME_INFIX, ALIAS_INFIX = 5, 6, 7, 8


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


@dataclass(frozen=True)
class Hit:
    code: str
    rank: int
    matched: str


class SearchIndex:
    """Built once per catalogue version; `search` is then a scan over a first-letter bucket."""

    def __init__(self, entries: list[SearchEntry], order: dict[str, int]):
        self.entries = tuple(entries)
        self._keys = tuple((entry, entry.key) for entry in entries)  # normalised once
        self.order = order  # tie-break per herb code (base herbs and stocked herbs first)
        self._by_letter: dict[str, list[SearchEntry]] = {}
        for entry in entries:
            if entry.syllables:
                self._by_letter.setdefault(entry.syllables[0][0], []).append(entry)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        text = normalise_name(query)
        if not text:
            return []
        hits = self._pinyin_hits(text) if text.isascii() else self._chinese_hits(text)
        best: dict[str, Hit] = {}
        for hit in hits:
            if hit.code not in best or hit.rank < best[hit.code].rank:
                best[hit.code] = hit
        ranked = sorted(best.values(), key=lambda hit: (hit.rank, self.order.get(hit.code, ())))
        return ranked[:limit]

    def _chinese_hits(self, text: str):
        for entry, key in self._keys:
            if text not in key:
                continue
            rank = _chinese_rank(text, entry, key)
            yield Hit(entry.code, rank, entry.text)

    def _pinyin_hits(self, text: str):
        for entry in self._by_letter.get(text[0], ()):
            whole = _syllable_match(text, entry.syllables)
            if whole is None:
                continue
            rank = ALIAS_PINYIN if entry.is_alias else PINYIN_WHOLE if whole else PINYIN_PREFIX
            yield Hit(entry.code, rank, entry.text)


def _chinese_rank(text: str, entry: SearchEntry, target: str) -> int:
    if target == text:
        return EXACT_ALIAS if entry.is_alias else EXACT_NAME
    if target.startswith(text):
        return ALIAS_PREFIX if entry.is_alias else NAME_PREFIX
    return ALIAS_INFIX if entry.is_alias else NAME_INFIX


def _syllable_match(query: str, syllables: tuple[str, ...]) -> bool | None:
    """None if the query is not a chain of syllable prefixes from the first syllable; else whether
    it reaches the last syllable (a whole match such as `gc` or `gancao` for 甘草)."""
    return _match_from(query, syllables)


@lru_cache(maxsize=65536)
def _match_from(query: str, syllables: tuple[str, ...]) -> bool | None:
    if not query:
        return len(syllables) == 0
    if not syllables:
        return None
    head, rest = syllables[0], syllables[1:]
    result = None
    # Try the longest prefix of this syllable first: `gancao` should use `gan`, not `g`.
    for size in range(min(len(head), len(query)), 0, -1):
        if query[:size] != head[:size]:
            continue
        tail = query[size:]
        if not tail:
            return len(rest) == 0
        found = _match_from(tail, rest)
        if found:
            return True
        if found is not None:
            result = False
    return result
