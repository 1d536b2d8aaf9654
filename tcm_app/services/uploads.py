"""Keeping an uploaded file with its row: a document, a tongue photo, a chat image.

Each caller checks and cleans the bytes its own way first (documents strip metadata without
decoding, tongue photos are decoded and re-encoded for the analysis) and keeps its own refusal
codes; then `store_upload` does what they all must do the same way: write the file under a fresh
key through the app's storage (tcm_app/services/storage.py: atomic, a reader never sees half a
file), add and flush the row and its audit entry in a savepoint, and when anything in there fails
remove the file again and roll the row back. So a refused or failed upload leaves neither a file
nor a row, even if the caller goes on and commits. Flushes; the caller commits."""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TypeVar

from flask import current_app

from tcm_app.extensions import db
from tcm_app.services.storage import storage

Row = TypeVar("Row")


@dataclass(frozen=True)
class StoredFile:
    """Where and what was written: the columns every upload row keeps."""

    storage_key: str
    sha256: str
    size_bytes: int

    def columns(self) -> dict:
        """As keyword arguments for a row with columns of the same names."""
        return asdict(self)


def too_large(data: bytes) -> bool:
    """Over UPLOAD_MAX_BYTES; each caller refuses it with its own field and message."""
    return len(data) > current_app.config["UPLOAD_MAX_BYTES"]


def store_upload(
    cleaned: bytes,
    suffix: str,
    make_row: Callable[[StoredFile], Row],
    audit: Callable[[Row], object] | None = None,
    *,
    prefix: str = "",
    folder: str = "",
) -> Row:
    """Write `cleaned` as `<folder>/<prefix><random><suffix>`, then add the row `make_row`
    builds from it and let `audit` record its entry (once the row has its id); all or nothing."""
    stored = StoredFile(
        storage_key=f"{prefix}{uuid.uuid4().hex}{suffix}",
        sha256=hashlib.sha256(cleaned).hexdigest(),
        size_bytes=len(cleaned),
    )
    files = storage()
    files.write(stored.storage_key, cleaned, folder)
    try:
        with db.session.begin_nested():
            row = make_row(stored)
            db.session.add(row)
            db.session.flush()
            if audit is not None:
                audit(row)
    except BaseException:
        files.delete(stored.storage_key, folder)
        raise
    return row
