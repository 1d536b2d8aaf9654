"""The documents a user agrees to at registration (用户协议, the separate consent to processing
sensitive personal information under 《个人信息保护法》 第二十九条), each a fixed text per
version, and the consent records: who agreed to which version, when, with the text's digest."""

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tcm_app.common.errors import NotFoundError
from tcm_app.extensions import db
from tcm_app.models.registration import Consent
from tcm_app.services.clock import utc_now

DOCUMENT_DIR = Path(__file__).resolve().parent.parent / "data" / "legal"

# The version a new registration agrees to. A changed text is a new file and a new version here;
# an old version's file is never edited (its digest is in the consents given to it).
CURRENT = {"user_agreement": 1, "sensitive_data": 1}


@dataclass(frozen=True)
class LegalDocument:
    name: str
    version: int
    title: str
    paragraphs: tuple[str, ...]
    sha256: str


@lru_cache(maxsize=16)
def document(name: str, version: int) -> LegalDocument:
    """One version of one document; an unknown one looks missing."""
    path = DOCUMENT_DIR / f"{name}-v{version}.txt"
    if name not in CURRENT or version < 1 or not path.is_file():
        raise NotFoundError("no such document", "not_found")
    raw = path.read_bytes()
    title, *rest = [block.strip() for block in raw.decode("utf-8").split("\n\n") if block.strip()]
    return LegalDocument(name, version, title, tuple(rest), hashlib.sha256(raw).hexdigest())


def current(name: str) -> LegalDocument:
    return document(name, CURRENT[name])


def record_consents(user, ip_address: str | None) -> list[Consent]:
    """Record the user's agreement to the current version of every document (append-only)."""
    now = utc_now()
    rows = []
    for name in CURRENT:
        doc = current(name)
        rows.append(
            Consent(
                user_id=user.id,
                document=name,
                version=doc.version,
                text_sha256=doc.sha256,
                accepted_at=now,
                ip_address=(ip_address or "")[:45] or None,
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    return rows
