"""The optional OCR assist of the transcription: tesseract (Debian's tesseract-ocr with
tesseract-ocr-chi-sim) reads each photographed page, and its "name grams" pairs come back as
rows the pharmacist must confirm one by one, each showing what was read. Without tesseract, or
with TCM_EXTERNAL_RX_OCR=false, nothing is offered and the page works the same. Reading never
writes the transcription."""

import shutil
import subprocess
from functools import lru_cache

from flask import current_app

from external_rx.models import ExternalSubmission
from external_rx.ocr_lines import Proposal, propose_lines
from herbs.services.catalogue import current_catalogue
from tcm_app.models.accounts import User
from tcm_app.services.audit import record_audit
from tcm_app.services.storage import storage

LANGUAGE = "chi_sim"
IMAGE_TYPES = ("image/png", "image/jpeg")


@lru_cache(maxsize=4)
def _engine(binary: str | None) -> bool:
    if binary is None:
        return False
    listed = subprocess.run(
        [binary, "--list-langs"], capture_output=True, text=True, timeout=10, check=False
    )
    return LANGUAGE in (listed.stdout + listed.stderr).split()


def available() -> bool:
    return bool(current_app.config["EXTERNAL_RX_OCR"]) and _engine(shutil.which("tesseract"))


def _read(path) -> str:
    """The page's text, or "" when tesseract fails or takes too long."""
    try:
        done = subprocess.run(
            [shutil.which("tesseract") or "tesseract", str(path), "-", "-l", LANGUAGE,
             "--psm", "6"],
            capture_output=True, text=True, check=False,
            timeout=current_app.config["EXTERNAL_RX_OCR_SECONDS"],
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return ""
    return done.stdout if done.returncode == 0 else ""


def proposals(submission: ExternalSubmission, pharmacist: User) -> list[tuple[Proposal, str]]:
    """Each proposal with the catalogue's name for it ("" when the name read is not a herb)."""
    found: list[Proposal] = []
    for page in submission.pages:
        if page.content_type in IMAGE_TYPES:
            # tesseract reads a file: the stored page's own, on this node
            found += propose_lines(_read(storage().local_path(page.storage_key)))
    index = current_catalogue().index
    named = [(p, (herb.name if (herb := index.resolve(p.name)) else "")) for p in found]
    record_audit(
        "external.ocr", "external_submission", submission.id,
        f"OCR proposed {len(named)} lines", actor=pharmacist,
    )  # fmt: skip
    return named
