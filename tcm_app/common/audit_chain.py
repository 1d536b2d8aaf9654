"""The audit log's hash chain (全程留痕): each hash covers the entry and the previous hash.

Pure: standard library only. Changing, removing or reordering any stored entry changes a digest
that a later entry has already committed to, so `verify_chain` finds the first broken link.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainEntry:
    """One audit entry as the chain sees it; `content` holds every field the hash covers."""

    entry_id: int
    content: dict
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def entry_digest(prev_hash: str, content: dict) -> str:
    """SHA-256 over the previous hash and a canonical JSON form of the entry's content."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def verify_chain(entries: Iterable[ChainEntry]) -> ChainReport:
    """Walk entries in insertion order; report the first whose link or digest does not hold."""
    expected_prev = GENESIS_HASH
    checked = 0
    for entry in entries:
        if entry.prev_hash != expected_prev:
            return ChainReport(checked, entry.entry_id, "previous-hash link broken")
        if entry_digest(entry.prev_hash, entry.content) != entry.entry_hash:
            return ChainReport(checked, entry.entry_id, "content does not match its hash")
        expected_prev = entry.entry_hash
        checked += 1
    return ChainReport(checked)
