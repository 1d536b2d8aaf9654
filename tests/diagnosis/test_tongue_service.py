"""Tongue photos on an encounter: cleaned storage, analysis, the doctor's confirmation, refusals
that store nothing, and the record's protection."""

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import sqlalchemy as sa
import time_machine

from diagnosis.models import TongueImage, TongueImageStatus, TongueObservation
from diagnosis.services import tongue
from diagnosis.tasks import analyze_tongue_image
from tcm_app.common.errors import ConflictError, PermissionDeniedError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tcm_app.services import encounters
from tcm_app.services.queue import PENDING
from tests.factories import create_doctor, create_encounter

VALUES = {
    "tongue_colour": "red",
    "coating_colour": "yellow",
    "coating_thickness": "thick",
    "cracks": True,
    "tooth_marks": False,
}
SQUARE = [[0.3, 0.3], [0.7, 0.3], [0.7, 0.8], [0.3, 0.8]]


def jpeg_bytes(image: np.ndarray, exif: bytes = b"") -> bytes:
    data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes()
    if not exif:
        return data
    payload = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00" + exif
    return data[:2] + b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload + data[2:]


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(folder.glob("tongue-*")) if folder.exists() else []


def upload(encounter, photo, source="camera", actor=None):
    image_id = tongue.add_tongue_image(
        encounter, actor or encounter.patient.user, jpeg_bytes(photo()[0]), source
    ).id
    # The task runs in its own session; SQLite allows one writer, so end this transaction first.
    db.session.commit()
    analyze_tongue_image(image_id)
    return db.session.get(TongueImage, image_id)


def test_photo_is_stored_without_metadata_and_analysed(app, photo):
    encounter = create_encounter()
    data = jpeg_bytes(photo()[0], exif=b"GPS-39.9N-SECRET-DEVICE")
    image = tongue.add_tongue_image(encounter, encounter.patient.user, data, "gallery")
    image_id, status, size = image.id, image.status, (image.width, image.height)
    db.session.commit()
    assert status == TongueImageStatus.RECEIVED and size == (640, 480)
    [path] = stored_files(app)
    stored = path.read_bytes()
    assert b"SECRET" not in stored and b"Exif" not in stored
    assert analyze_tongue_image(image_id) in {"analysed", "quality_failed"}
    image = db.session.get(TongueImage, image_id)
    assert image.analysis["algorithm_version"] == image.algorithm_version
    assert set(image.analysis["quality"]["checks"]) >= {"tongue_found", "exposure", "colour_cast"}
    assert image.quality_passed == (image.status == TongueImageStatus.ANALYSED)


def test_analysis_runs_once(app, photo):
    image = upload(create_encounter(), photo)
    first = dict(image.analysis)
    assert tongue.analyze_stored(image) is False
    assert image.analysis == first


def test_a_task_given_again_beside_the_first_records_the_analysis_once(app, photo):
    """The first run finished while the second had already read the photo as waiting."""
    encounter = create_encounter()
    image = tongue.add_tongue_image(
        encounter, encounter.patient.user, jpeg_bytes(photo()[0]), "camera"
    )
    db.session.commit()
    db.session.execute(  # the first run's result, written after the second read the photo
        sa.update(TongueImage)
        .where(TongueImage.id == image.id)
        .values(status=TongueImageStatus.ANALYSED, analysis={"first": True})
        .execution_options(synchronize_session=False)
    )
    assert image.status == TongueImageStatus.RECEIVED  # what the second run holds
    assert tongue.analyze_stored(image) is False
    assert image.analysis == {"first": True}


def queued_analyses() -> list:
    return [args for task, args, _ in db.session.info.get(PENDING, [])]


def test_a_photo_whose_analysis_was_never_queued_is_queued_again_by_the_sweep(app, photo):
    """Its upload committed while the queue was unreachable: the task was lost, not the photo."""
    encounter = create_encounter()
    with time_machine.travel("2026-12-05T02:00:00Z", tick=False):
        lost = tongue.add_tongue_image(
            encounter, encounter.patient.user, jpeg_bytes(photo()[0]), "camera"
        ).id  # stored, its task never sent
        db.session.commit()
    with time_machine.travel("2026-12-05T02:01:00Z", tick=False):
        assert tongue.requeue_waiting_analyses() == 0  # a minute: still the worker's to take
    with time_machine.travel("2026-12-05T02:03:00Z", tick=False):
        assert tongue.requeue_waiting_analyses() == 1
        assert queued_analyses() == [(lost,)]  # sent when the sweep's task commits
        db.session.rollback()
    analyze_tongue_image(lost)  # what the worker then does
    assert tongue.requeue_waiting_analyses() == 0


def truncated(photo) -> bytes:
    data = jpeg_bytes(photo()[0])
    return data[: len(data) // 2]


def bomb_png() -> bytes:
    """A real PNG whose header claims 20000×20000 pixels (checked before any decoding)."""
    import struct
    import zlib

    data = bytearray(cv2.imencode(".png", np.zeros((2, 2, 3), np.uint8))[1].tobytes())
    data[16:24] = struct.pack(">II", 20000, 20000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda photo: b"", "empty_file"),
        (lambda photo: b"hello, not a photo", "unsupported_photo_type"),
        (lambda photo: b"%PDF-1.7 not a photo", "unsupported_photo_type"),
        (truncated, "truncated_image"),
        (
            lambda photo: cv2.imencode(".png", np.zeros((1, 1, 3), np.uint8))[1].tobytes(),
            "image_too_small",
        ),
        (lambda photo: bomb_png(), "image_too_large"),
    ],
    ids=["empty", "text", "pdf", "truncated-jpeg", "one-pixel", "20000x20000-png"],
)
def test_bad_photo_is_refused_and_nothing_is_stored(app, photo, make, code):
    encounter = create_encounter()
    with pytest.raises(ValidationError) as refused:
        tongue.add_tongue_image(encounter, encounter.patient.user, make(photo), "gallery")
    assert refused.value.code == code
    db.session.rollback()
    assert stored_files(app) == []
    assert db.session.scalar(sa.select(sa.func.count(TongueImage.id))) == 0


def test_oversized_file_is_refused(app, photo):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    encounter = create_encounter()
    with pytest.raises(ValidationError, match="larger"):
        tongue.add_tongue_image(encounter, encounter.patient.user, jpeg_bytes(photo()[0]), "camera")


def test_closed_visit_takes_no_photo(app, photo):
    encounter = create_encounter()
    encounters.cancel_encounter(encounter, encounter.patient.user)
    with pytest.raises(ConflictError):
        tongue.add_tongue_image(encounter, encounter.patient.user, jpeg_bytes(photo()[0]), "camera")


@pytest.mark.parametrize(
    ("who", "source"),
    [("patient", "consult"), ("other_doctor", "consult"), ("patient", "unknown")],
    ids=[
        "only-the-doctor-captures-from-a-consult",
        "only-the-treating-doctor-adds-photos",
        "unknown-source",
    ],
)
def test_who_may_add_a_photo(app, photo, who, source):
    encounter = create_encounter()
    actor = encounter.patient.user if who == "patient" else create_doctor(username="dr2")
    with pytest.raises((PermissionDeniedError, ValidationError)):
        tongue.add_tongue_image(encounter, actor, jpeg_bytes(photo()[0]), source)


def test_doctor_confirms_with_corrections_once(app, photo):
    image = upload(create_encounter(), photo)
    doctor = image.encounter.doctor
    observation = tongue.confirm_observation(image, doctor, VALUES, SQUARE, "舌红苔黄厚")
    db.session.commit()
    assert image.status == TongueImageStatus.CONFIRMED
    assert observation.outline == SQUARE and observation.outline_corrected
    suggested = tongue.suggested_values(image)
    assert observation.corrected_features == sorted(
        k for k in VALUES if VALUES[k] != suggested.get(k)
    )
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "tongue.confirm"
    with pytest.raises(ConflictError):
        tongue.confirm_observation(image, doctor, VALUES, SQUARE)


def test_confirming_keeps_the_detected_outline_when_not_corrected(app, photo):
    image = upload(create_encounter(), photo)
    detected = image.analysis["segmentation"]["outline"]
    assert detected, "the shipped network finds the tongue in the synthetic photo"
    observation = tongue.confirm_observation(image, image.encounter.doctor, VALUES, None)
    assert observation.outline == detected and not observation.outline_corrected


@pytest.mark.parametrize(
    ("values", "outline", "code"),
    [
        ({**VALUES, "tongue_colour": "blue"}, SQUARE, "invalid"),
        ({**VALUES, "mood": "happy"}, SQUARE, "invalid"),
        ({k: v for k, v in VALUES.items() if k != "cracks"}, SQUARE, "invalid"),
        (VALUES, [[0.1, 0.1], [0.2, 0.2]], "bad_outline"),
        (VALUES, [[0.1, 0.1], [1.5, 0.2], [0.3, 0.9]], "bad_outline"),
        (VALUES, [["a", "b"], [0, 0], [1, 1]], "bad_outline"),
    ],
    ids=[
        "unknown-colour",
        "unknown-feature",
        "missing-feature",
        "two-point-outline",
        "outline-outside-the-photo",
        "outline-not-numbers",
    ],
)
def test_bad_observation_is_refused(app, photo, values, outline, code):
    image = upload(create_encounter(), photo)
    with pytest.raises(ValidationError) as refused:
        tongue.confirm_observation(image, image.encounter.doctor, values, outline)
    assert refused.value.code == code
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(TongueObservation.id))) == 0


def test_only_the_treating_doctor_confirms(app, photo):
    image = upload(create_encounter(), photo)
    with pytest.raises(PermissionDeniedError):
        tongue.confirm_observation(image, create_doctor(username="dr2"), VALUES, SQUARE)
    with pytest.raises(PermissionDeniedError):
        tongue.confirm_observation(image, image.encounter.patient.user, VALUES, SQUARE)


def test_observations_and_photos_are_protected(app, photo):
    image = upload(create_encounter(), photo)
    tongue.confirm_observation(image, image.encounter.doctor, VALUES, SQUARE)
    db.session.commit()
    for statement in (
        sa.update(TongueObservation).values(tongue_colour="pale"),
        sa.delete(TongueObservation),
        sa.delete(TongueImage),
    ):
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()


def test_earlier_photos_show_what_changed(app, photo):
    encounter = create_encounter()
    first = upload(encounter, photo)
    tongue.confirm_observation(first, encounter.doctor, VALUES, SQUARE)
    db.session.commit()
    second = upload(encounter, photo)
    tongue.confirm_observation(
        second, encounter.doctor, {**VALUES, "tongue_colour": "light_red", "cracks": False}, SQUARE
    )
    db.session.commit()
    assert tongue.earlier_images(second) == [first]
    changes = {c.feature: (c.before, c.after) for c in tongue.comparison(second, first)}
    assert changes["tongue_colour"] == ("red", "light_red")
    assert changes["cracks"] == (True, False)
    assert "coating_colour" not in changes


def test_photo_reads_are_checked_and_audited(app, photo):
    image = upload(create_encounter(), photo)
    data = tongue.read_photo(image, image.encounter.doctor)
    assert cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR).shape == (480, 640, 3)
    path = Path(app.config["UPLOAD_FOLDER"]) / image.storage_key
    path.write_bytes(data[:-10] + b"tampered!!")
    with pytest.raises(ConflictError):
        tongue.read_photo(image, image.encounter.doctor)


def test_analysis_is_json_serialisable(app, photo):
    image = upload(create_encounter(), photo)
    json.dumps(image.analysis)


def test_a_confirmation_posted_without_its_note_field_is_recorded_with_an_empty_note(app, photo):
    """A scripted post that leaves out the note sends None; it once raised (a 500)."""
    image = upload(create_encounter(), photo)
    observation = tongue.confirm_observation(image, image.encounter.doctor, VALUES, SQUARE, None)
    assert observation.note == ""
