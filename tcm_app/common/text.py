"""Text rules. Pure: standard library only.

- Storable text: no NUL characters (PostgreSQL refuses them) and no lone surrogates (they cannot
  be encoded as UTF-8).
- JSON depth: how deeply a raw body nests, measured without recursion, so that a body nested
  thousands of levels deep is refused before a recursive parser or walker meets it.
- Hidden characters: characters that are invisible or change the direction of the text around
  them (e.g. U+202E turns "张三\u202eabc" into "张三cba" on screen). Refused in names; shown as a
  visible marker such as ⟨U+202E⟩ wherever free text is shown.
"""

import re
import unicodedata
from itertools import accumulate

# Deepest JSON body accepted. The deepest legitimate body of the API is 3 levels (a prescription
# check: object, list of lines, line); 32 leaves room for any future shape while staying far below
# Python's recursion limit (1000 frames, of which each level of json, marshmallow or a walk may use
# several, on top of the frames of Flask itself).
MAX_JSON_DEPTH = 32


def is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_paths(value, path: str = "") -> list[str]:
    """Dotted paths of every string (keys included) in a JSON-like value that is not storable.
    Iterative: a deep value does not exhaust the stack."""
    found = []
    pending = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            if not is_storable(item):
                found.append(where or "body")
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and not is_storable(key):
                    found.append(where or "body")
                pending.append((child, f"{where}.{key}" if where else str(key)))
        elif isinstance(item, list):
            pending.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return sorted(found)


def strings_in(value) -> list[str]:
    """Every string (keys included) in a JSON-like value, iteratively."""
    found = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            found.extend(key for key in item if isinstance(key, str))
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


# A JSON string: anything but a quote or backslash, or a backslash escape, up to its closing quote
# or, unclosed, to the end. It always matches once it starts at a quote, so the search never
# starts again inside it: linear time whatever the body (an unclosed string full of escaped
# quotes would otherwise be rescanned from each of them).
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_A_BRACKET = re.compile(rb"[^\[\]{}]")
# Each bracket byte as one step up or down; every other byte is gone by the time this is used.
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


def json_depth(raw: bytes | str) -> int:
    """How deeply the brackets of a raw JSON text nest, strings left out. No recursion and no
    Python-level loop over characters (a 12 MB body takes a fraction of a second). A malformed
    text (an unclosed string or bracket) counts what it has; the parser refuses it anyway."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
    brackets = _NOT_A_BRACKET.sub(b"", _JSON_STRING.sub(b"", data))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def json_too_deep(raw: bytes | str, limit: int = MAX_JSON_DEPTH) -> bool:
    return json_depth(raw) > limit


# Hidden characters, by class. The class names are what a test or a reviewer reads.
DIRECTION_CONTROLS = frozenset(
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides (U+202E: right-to-left override)
    "\u2066\u2067\u2068\u2069"  # isolates and pop isolate
)
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")  # spaces, joiners, word joiner, BOM
LINE_SEPARATORS = frozenset("\u2028\u2029")
# Free text keeps its tabs and line breaks; a name has none.
TEXT_WHITESPACE = frozenset("\t\n\r")


def hidden_class(char: str) -> str | None:
    """Why a character is hidden or misleading on screen, or None for an ordinary one."""
    if char in DIRECTION_CONTROLS:
        return "direction control"
    if char in ZERO_WIDTH:
        return "zero-width character"
    if char in LINE_SEPARATORS:
        return "line or paragraph separator"
    category = unicodedata.category(char)
    if category == "Cc":  # C0 controls, DEL and C1 controls
        return "control character"
    if category == "Cf":  # any other invisible formatting character
        return "format character"
    return None


def is_hidden_in_text(char: str) -> bool:
    """Shown as a marker in free text (tabs and line breaks are ordinary there)."""
    return char not in TEXT_WHITESPACE and hidden_class(char) is not None


def has_hidden_in_name(text: str) -> bool:
    """A name (of a person or an account) with a character it must not contain."""
    return any(hidden_class(char) is not None for char in text)


def marker(char: str) -> str:
    """What is shown in place of a hidden character."""
    return f"⟨U+{ord(char):04X}⟩"


def split_hidden(text: str) -> list[tuple[str, bool]]:
    """The text as runs of ordinary characters (False) and single hidden characters (True), in
    order: a page shows the ordinary runs as they are and each hidden one as its marker."""
    parts: list[tuple[str, bool]] = []
    start = 0
    for index, char in enumerate(text):
        if is_hidden_in_text(char):
            if start < index:
                parts.append((text[start:index], False))
            parts.append((char, True))
            start = index + 1
    if start < len(text):
        parts.append((text[start:], False))
    return parts
