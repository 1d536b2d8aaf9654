"""Prior-diagnosis documents: validate uploads, strip their metadata, store them, serve them back.

Accepted: PDF, JPEG and PNG up to UPLOAD_MAX_BYTES. An image's size is read from its header
first (tcm_app.common.image_header: at most 12000 pixels a side, 50 megapixels), so a
decompression bomb is refused before it is decoded; then its metadata (EXIF, GPS, camera data,
text) is stripped segment by segment without decoding the pixels (tcm_app.common.image_strip),
so memory stays near the file's size; PDFs are parsed and rewritten page by page without the
document information dictionary, XMP metadata, scripts or attachments.
"""

import hashlib
import io
from datetime import date
from enum import StrEnum
from functools import partial

import cv2
import numpy as np
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from tcm_app.common import image_header, image_strip
from tcm_app.common.errors import ConflictError, TCMError, ValidationError
from tcm_app.common.online_care import OPEN_STATUSES
from tcm_app.common.retention import add_years
from tcm_app.models.encounters import MEDICAL_RECORD_RETENTION_YEARS, ClinicalDocument, Encounter
from tcm_app.services.audit import record_audit
from tcm_app.services.clock import clinic_today
from tcm_app.services.storage import storage
from tcm_app.services.uploads import store_upload, too_large

MAX_PDF_PAGES = 200
REDUCED = cv2.IMREAD_REDUCED_GRAYSCALE_8  # enough to know the JPEG's scans decode
PROGRESSIVE_CHECK_MAX_PIXELS = 24_000_000  # about 72 MB of coefficients to decode


class DocumentType(StrEnum):
    OUTPATIENT_RECORD = "outpatient_record"  # 门诊病历
    INPATIENT_RECORD = "inpatient_record"  # 住院病历
    DISCHARGE_SUMMARY = "discharge_summary"  # 出院小结
    DIAGNOSIS_CERTIFICATE = "diagnosis_certificate"  # 诊断证明


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code, {"file": [code]})


def sniff_kind(data: bytes) -> str:
    """The real file type from its first bytes; the name and the browser's claim are not trusted."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    raise _refuse("only PDF, JPEG or PNG files are accepted", "unsupported_type")


DOCUMENT_CODES = {
    "unsupported_image_type": "unsupported_type",
    "truncated_image": "unreadable_image",
}


def refuse_image(exc: image_header.ImageHeaderError) -> TCMError:
    """The header's refusal as the upload's: 422 on the file field, with the image's size."""
    # The codes documents always had: a header cut short is simply an image that cannot be read.
    code = DOCUMENT_CODES.get(exc.code, exc.code)
    return exc.refusal(code=code, fields={"file": [code]})


def checked_image_header(data: bytes) -> image_header.ImageHeader:
    """Kind and size from the header; too large or damaged is refused before any decoding."""
    try:
        return image_header.read_checked_header(data)
    except image_header.ImageHeaderError as exc:
        raise refuse_image(exc) from exc


def decode_image(data: bytes, flags: int) -> np.ndarray | None:
    """cv2.imdecode that answers None for anything it cannot decode. OpenCV raises for some
    damage and for more pixels than OPENCV_IO_MAX_IMAGE_PIXELS (set by tcm_app.app, the second
    line of defence behind the header check): a refusal, never a 500."""
    try:
        return cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    except cv2.error:
        return None


def clean_image(data: bytes, kind: str) -> bytes:
    """The image without its metadata, its pixels untouched (never decoded in full: memory stays
    near the file's size). A JPEG is decoded at an eighth of its size to check it reads."""
    header = checked_image_header(data)
    try:
        cleaned = image_strip.strip_jpeg(data) if kind == "jpeg" else image_strip.strip_png(data)
    except image_header.ImageHeaderError as exc:
        raise refuse_image(exc) from exc
    if kind == "jpeg" and decodes_cheaply(header) and decode_image(cleaned, REDUCED) is None:
        raise _refuse("the image cannot be read", "unreadable_image")
    return cleaned


def decodes_cheaply(header: image_header.ImageHeader) -> bool:
    """A baseline JPEG decodes at an eighth of its size in a few MB; a progressive one needs all
    its coefficients (3 bytes a pixel) whatever the scale, so a large one is checked by its
    structure only (image_strip walks every segment to the end)."""
    return not header.progressive or header.pixels <= PROGRESSIVE_CHECK_MAX_PIXELS


def clean_pdf(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _refuse("password-protected PDFs cannot be read", "encrypted_pdf")
        if not 0 < len(reader.pages) <= MAX_PDF_PAGES:
            raise _refuse("the PDF has no pages or too many", "pdf_pages")
        writer = PdfWriter()
        for page in reader.pages:
            for key in ("/Metadata", "/AA"):
                page.pop(key, None)
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _refuse("the PDF is damaged or not a PDF", "unreadable_pdf") from exc
    return out.getvalue()


CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}


def sanitise_upload(data: bytes) -> tuple[str, bytes]:
    """Validate size and type, then return (kind, cleaned bytes)."""
    if not data:
        raise _refuse("the file is empty", "empty_file")
    if too_large(data):
        raise _refuse("the file is larger than allowed", "file_too_large")
    kind = sniff_kind(data)
    return kind, clean_pdf(data) if kind == "pdf" else clean_image(data, kind)


def add_document(
    encounter: Encounter,
    actor,
    doc_type: str,
    original_name: str,
    data: bytes,
    issued_on: date | None = None,
) -> ClinicalDocument:
    """Store a cleaned prior-diagnosis document on an open visit; nothing stays half-written."""
    doc_type = _checked_document_type(encounter, doc_type, issued_on)
    kind, cleaned = sanitise_upload(data)
    document = partial(
        ClinicalDocument,
        encounter=encounter,
        patient_id=encounter.patient_id,
        doc_type=doc_type,
        issued_on=issued_on,
        original_name=(original_name or "upload")[-255:],
        content_type=CONTENT_TYPES[kind],
        uploaded_by_id=actor.id,
        retain_until=record_retention_date(),
    )
    return store_upload(
        cleaned,
        EXTENSIONS[kind],
        lambda stored: document(**stored.columns()),
        partial(_upload_audit, actor),
    )


def _checked_document_type(
    encounter: Encounter, doc_type: str, issued_on: date | None
) -> DocumentType:
    if encounter.status not in OPEN_STATUSES:
        raise ConflictError("this visit is closed", "encounter_closed")
    try:
        doc_type = DocumentType(doc_type)
    except ValueError as exc:
        raise ValidationError("unknown document type", fields={"doc_type": ["invalid"]}) from exc
    if issued_on and issued_on > clinic_today():
        raise ValidationError(
            "the document date is in the future", fields={"issued_on": ["future"]}
        )
    return doc_type


def _upload_audit(actor, document: ClinicalDocument) -> None:
    record_audit(
        "document.upload",
        "encounter",
        document.encounter_id,
        f"{document.doc_type} uploaded ({document.size_bytes} bytes)",
        {"document_id": document.id, "sha256": document.sha256},
        actor=actor,
    )


def record_retention_date() -> date:
    """The last day a medical record received today is kept (29 February: 28 February)."""
    return add_years(clinic_today(), MEDICAL_RECORD_RETENTION_YEARS)


def read_document(document: ClinicalDocument, actor) -> bytes:
    """The stored bytes, checked against the recorded digest; every read is audited."""
    data = storage().read(document.storage_key)
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise ConflictError("the stored file does not match its digest", "document_corrupt")
    record_audit(
        "document.view",
        "encounter",
        document.encounter_id,
        f"document {document.id} opened",
        {"document_id": document.id},
        actor=actor,
    )
    return data
