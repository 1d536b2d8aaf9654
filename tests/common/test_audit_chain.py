"""The audit hash chain: any change, removal or reordering is found."""

import pytest

from tcm_app.common.audit_chain import GENESIS_HASH, ChainEntry, entry_digest, verify_chain

pytestmark = pytest.mark.pure


def build(contents):
    entries, prev = [], GENESIS_HASH
    for number, content in enumerate(contents, start=1):
        digest = entry_digest(prev, content)
        entries.append(ChainEntry(number, content, prev, digest))
        prev = digest
    return entries


CONTENTS = [{"action": "auth.login", "n": i} for i in range(5)]


def test_intact_chain_verifies_every_entry():
    report = verify_chain(build(CONTENTS))
    assert report.intact and report.checked == 5


def test_changed_content_is_found_at_that_entry():
    entries = build(CONTENTS)
    entries[2] = ChainEntry(
        3, {"action": "forged", "n": 2}, entries[2].prev_hash, entries[2].entry_hash
    )
    report = verify_chain(entries)
    assert (report.first_broken_id, report.problem) == (3, "content does not match its hash")


def test_removed_entry_is_found_at_the_next_one():
    entries = build(CONTENTS)
    del entries[1]
    assert verify_chain(entries).first_broken_id == 3


def test_rehashed_forgery_still_breaks_the_following_link():
    entries = build(CONTENTS)
    forged = {"action": "forged"}
    entries[1] = ChainEntry(
        2, forged, entries[1].prev_hash, entry_digest(entries[1].prev_hash, forged)
    )
    assert verify_chain(entries).first_broken_id == 3


def test_digest_does_not_depend_on_key_order():
    assert entry_digest(GENESIS_HASH, {"a": 1, "b": 2}) == entry_digest(
        GENESIS_HASH, {"b": 2, "a": 1}
    )
