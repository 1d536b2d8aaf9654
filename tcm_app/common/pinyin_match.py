"""Matching what a doctor types in Latin letters against a name's pinyin syllables, shared by the
herb search and the diagnosis-code search.

Pure: standard library only.
"""

from functools import lru_cache


@lru_cache(maxsize=65536)
def match_syllables(query: str, syllables: tuple[str, ...]) -> bool | None:
    """None if the query is not a chain of syllable prefixes from the first syllable; else whether
    it reaches the last syllable (`gc` or `gancao` is whole for 甘草, `wwt` for 胃脘痛)."""
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
        found = match_syllables(tail, rest)
        if found:
            return True
        if found is not None:
            result = False
    return result
