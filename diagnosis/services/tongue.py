"""Tongue photos on an encounter: store a cleaned copy, analyse it, and record the doctor's
confirmed observation (望诊). The analysis assists; only the confirmation enters the record."""

import hashlib
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

import cv2
import numpy as np
from sqlalchemy import select

from diagnosis import tongue
from diagnosis.models import TongueImage, TongueImageSource, TongueImageStatus, TongueObservation
from diagnosis.tongue_changes import OBSERVATION_CHOICES, changes_between
from diagnosis.tongue_image import ImageRejectedError, decode_image
from tcm_app.common.errors import ConflictError, PermissionDeniedError, TCMError, ValidationError
from tcm_app.common.online_care import OPEN_STATUSES
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.models.encounters import Encounter
from tcm_app.models.types import utcnow
from tcm_app.services.audit import record_audit
from tcm_app.services.documents import record_retention_date
from tcm_app.services.queue import enqueue
from tcm_app.services.storage import storage
from tcm_app.services.transitions import move
from tcm_app.services.uploads import store_upload, too_large

ANALYZE_TASK = "diagnosis.analyze_tongue_image"  # diagnosis/tasks.py
STORED_JPEG_QUALITY = 92


def _refuse(exc: ImageRejectedError) -> TCMError:
    return exc.refusal(fields={"photo": [exc.code]})


def clean_photo(data: bytes) -> tuple[bytes, int, int]:
    """Decode (orientation applied), re-encode as JPEG: no EXIF, GPS or device data survive."""
    if too_large(data):
        raise _refuse(ImageRejectedError("file_too_large", "the photo file is larger than allowed"))
    try:
        image = decode_image(data)
    except ImageRejectedError as exc:
        raise _refuse(exc) from exc
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, STORED_JPEG_QUALITY])
    if not ok:
        raise _refuse(ImageRejectedError("unreadable_image", "the photo cannot be decoded"))
    return encoded.tobytes(), image.shape[1], image.shape[0]


def add_tongue_image(encounter: Encounter, actor, data: bytes, source: str) -> TongueImage:
    """Keep a new tongue photo on an open encounter (status received); the caller commits.
    Nothing is stored when the photo is refused."""
    _require_may_add(encounter, actor, source)
    cleaned, width, height = clean_photo(data)
    image = partial(
        TongueImage,
        encounter_id=encounter.id,
        patient_id=encounter.patient_id,
        uploaded_by_id=actor.id,
        source=source,
        width=width,
        height=height,
        status=TongueImageStatus.RECEIVED,
        retain_until=record_retention_date(),
    )
    return store_upload(
        cleaned,
        ".jpg",
        lambda stored: image(**stored.columns()),
        partial(_upload_audit, actor),
        prefix="tongue-",
    )


def _upload_audit(actor, image: TongueImage) -> None:
    record_audit(
        "tongue.upload",
        "encounter",
        image.encounter_id,
        f"tongue photo {image.id} received ({image.source})",
        {"tongue_image_id": image.id, "sha256": image.sha256},
        actor=actor,
    )


def receive_photo(encounter: Encounter, actor, upload, source: str) -> int:
    """Store an uploaded photo and queue its analysis; returns the photo's id. The caller's commit
    sends the task; if the analysis fails, the photo stays received for a worker or a retry."""
    if upload is None:
        raise ValidationError("choose a photo", "photo_required", {"photo": ["required"]})
    image_id = add_tongue_image(encounter, actor, upload.read(), source).id
    enqueue(ANALYZE_TASK, image_id)
    return image_id


# A photo received longer ago than this and still not analysed lost its queued task (the worker
# takes a photo within seconds); the analysis itself takes about a second.
ANALYSIS_OVERDUE = timedelta(minutes=2)


def requeue_waiting_analyses() -> int:
    """Queue again the photos still waiting for their analysis well after they arrived; the
    caller's commit sends the tasks. Returns how many."""
    cutoff = utcnow() - ANALYSIS_OVERDUE
    waiting = db.session.scalars(
        select(TongueImage.id)
        .where(TongueImage.status == TongueImageStatus.RECEIVED)
        .where(TongueImage.created_at < cutoff)
        .order_by(TongueImage.id)
    ).all()
    for image_id in waiting:
        enqueue(ANALYZE_TASK, image_id)
    return len(waiting)


def _require_may_add(encounter: Encounter, actor, source: str) -> None:
    if source not in set(TongueImageSource):
        raise ValidationError("unknown photo source", "invalid", {"source": ["invalid"]})
    if encounter.status not in OPEN_STATUSES:
        raise ConflictError("this visit is closed", "encounter_closed")
    if source == TongueImageSource.CONSULT and actor.role != Role.DOCTOR:
        raise PermissionDeniedError("only the doctor captures from the consult", "not_doctor")
    if actor.role == Role.DOCTOR and actor.id != encounter.doctor_id:
        raise PermissionDeniedError("only the treating doctor adds photos", "not_participant")


def analyze_stored(image: TongueImage) -> bool:
    """Run the analysis once (idempotent: a photo already analysed is left alone)."""
    if image.status != TongueImageStatus.RECEIVED:
        return False
    photo = cv2.imdecode(_read_checked(image), cv2.IMREAD_COLOR)
    if photo is None:  # stored photos were re-encoded on upload: this one is damaged
        raise ConflictError("the stored photo does not decode", "photo_corrupt")
    result = tongue.analyze(photo).to_dict()
    passed = result["quality"]["passed"]
    # Guarded: a task given again (its worker was lost after the work, before the acknowledgement)
    # may run beside the first; only one of them records the analysis.
    return move(
        image,
        expected=TongueImageStatus.RECEIVED,
        values={
            "analysis": result,
            "quality_passed": passed,
            "algorithm_version": result["algorithm_version"],
            "analysed_at": utcnow(),
            "status": TongueImageStatus.ANALYSED if passed else TongueImageStatus.QUALITY_FAILED,
        },
    )


def confirm_observation(
    image: TongueImage, doctor, values: dict, outline: list | None, note: str = ""
) -> TongueObservation:
    """The treating doctor confirms (or corrects) what the photo shows; recorded once."""
    if doctor.role != Role.DOCTOR or doctor.id != image.encounter.doctor_id:
        raise PermissionDeniedError("only the treating doctor confirms", "not_participant")
    if image.status == TongueImageStatus.CONFIRMED or image.observation is not None:
        raise ConflictError("this photo was already confirmed", "already_confirmed")
    if image.status == TongueImageStatus.RECEIVED:
        raise ConflictError("the analysis is not finished yet", "not_analysed")
    _validate_values(values)
    suggested = suggested_values(image)
    detected = (image.analysis or {}).get("segmentation", {}).get("outline", [])
    final_outline = _validate_outline(outline) if outline else detected
    if not final_outline:
        raise ValidationError("draw the tongue's outline", "outline_required")
    observation = TongueObservation(
        tongue_image_id=image.id,
        encounter_id=image.encounter_id,
        doctor_id=doctor.id,
        outline=final_outline,
        outline_corrected=final_outline != detected,
        corrected_features=sorted(k for k in values if values[k] != suggested.get(k)),
        note=(note or "").strip()[:2000],  # a post without the field sends None
        algorithm_version=image.algorithm_version,
        **values,
    )
    db.session.add(observation)
    image.status = TongueImageStatus.CONFIRMED
    db.session.flush()
    record_audit(
        "tongue.confirm",
        "encounter",
        image.encounter_id,
        f"tongue observation confirmed for photo {image.id}",
        {
            "tongue_image_id": image.id,
            "corrected": observation.corrected_features,
            "outline_corrected": observation.outline_corrected,
        },
        actor=doctor,
    )
    return observation


def _validate_values(values: dict) -> None:
    errors = {
        name: ["invalid"]
        for name, allowed in OBSERVATION_CHOICES.items()
        if values.get(name) not in allowed
    }
    if set(values) - set(OBSERVATION_CHOICES):
        errors["values"] = ["unknown"]
    if errors:
        raise ValidationError("choose a value for every tongue feature", "invalid", errors)


def _validate_outline(outline) -> list:
    try:
        points = [[round(float(x), 4), round(float(y), 4)] for x, y in outline]
    except (TypeError, ValueError) as exc:
        raise ValidationError("the outline is not a list of points", "bad_outline") from exc
    if not 3 <= len(points) <= 400 or any(not (0 <= v <= 1) for p in points for v in p):
        raise ValidationError(
            "the outline needs 3 to 400 points inside the photo",
            "bad_outline",
        )
    return points


def suggested_values(image: TongueImage) -> dict:
    """The analysis' suggestion in the observation's terms (empty when features were withheld)."""
    found = (image.analysis or {}).get("features", {})
    values = {}
    for name in ("tongue_colour", "coating_colour", "coating_thickness"):
        if name in found:
            values[name] = found[name]["value"]
    for name in ("cracks", "tooth_marks"):
        if name in found:
            values[name] = found[name]["confidence"] >= 0.5
    return values


def earlier_images(image: TongueImage, limit: int = 4) -> Sequence[TongueImage]:
    return db.session.scalars(
        select(TongueImage)
        .where(
            TongueImage.patient_id == image.patient_id,
            TongueImage.id < image.id,
            TongueImage.status.in_([TongueImageStatus.ANALYSED, TongueImageStatus.CONFIRMED]),
        )
        .order_by(TongueImage.id.desc())
        .limit(limit)
    ).all()


def comparison(image: TongueImage, earlier: TongueImage) -> list:
    """What changed between an earlier photo and this one (confirmed values win over suggested)."""
    return changes_between(_record_of(earlier), _record_of(image))


def _record_of(image: TongueImage) -> dict:
    values = suggested_values(image)
    if image.observation is not None:
        o = image.observation
        values = {
            "tongue_colour": o.tongue_colour,
            "coating_colour": o.coating_colour,
            "coating_thickness": o.coating_thickness,
            "cracks": o.cracks,
            "tooth_marks": o.tooth_marks,
        }
    return {"values": values, "lab": (image.analysis or {}).get("lab", {})}


def images_of(encounter: Encounter) -> Sequence[TongueImage]:
    return db.session.scalars(
        select(TongueImage)
        .where(TongueImage.encounter_id == encounter.id)
        .order_by(TongueImage.id.desc())
    ).all()


def read_photo(image: TongueImage, actor) -> bytes:
    data = _read_checked(image).tobytes()
    if actor.role != Role.PATIENT:
        record_audit(
            "tongue.view",
            "encounter",
            image.encounter_id,
            f"tongue photo {image.id} opened",
            {"tongue_image_id": image.id},
            actor=actor,
        )
    return data


def _read_checked(image: TongueImage) -> np.ndarray:
    data = storage().read(image.storage_key)
    if hashlib.sha256(data).hexdigest() != image.sha256:
        raise ConflictError("the stored photo does not match its digest", "photo_corrupt")
    return np.frombuffer(data, np.uint8)
