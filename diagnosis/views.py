"""Tongue photo pages: the patient's guided capture, status polling, and the doctor's review where
the suggested outline and features are corrected and confirmed (望诊)."""

import json

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from diagnosis.forms import ObservationForm
from diagnosis.models import TongueImage, TongueImageSource
from diagnosis.services import tongue
from tcm_app.common.errors import NotFoundError, TCMError, ValidationError
from tcm_app.extensions import db
from tcm_app.labels import error_message, label
from tcm_app.models.accounts import Role
from tcm_app.services import access
from tcm_app.views.guards import roles_required
from tcm_app.views.helpers import apply_errors, flash_error
from tcm_app.views.responses import file_response

# Its scripts are served from <domain>/static at /diagnosis/static/ (endpoint diagnosis.static).
bp = Blueprint("diagnosis", __name__, url_prefix="/diagnosis", static_folder="static")
PARTICIPANTS = (Role.DOCTOR, Role.PATIENT)


@bp.app_context_processor
def tongue_helpers() -> dict:
    """The encounter page lists the visit's tongue photos and confirmed observations."""
    return {"tongue_images_for": tongue.images_of}


def _image(image_id: int) -> TongueImage:
    """A photo the user may see: on an encounter in their scope."""
    image = db.session.get(TongueImage, image_id)
    if image is None:
        raise NotFoundError("no such photo")
    access.visible_encounter(current_user, image.encounter_id)
    return image


@bp.route("/encounters/<int:encounter_id>/tongue")
@roles_required(*PARTICIPANTS)
def tongue_capture(encounter_id: int):
    """The guided camera (patient) and the visit's tongue photos (both)."""
    encounter = access.visible_encounter(current_user, encounter_id)
    return render_template(
        "diagnosis/tongue/capture.html", encounter=encounter, images=tongue.images_of(encounter)
    )


@bp.route("/encounters/<int:encounter_id>/tongue", methods=["POST"])
@roles_required(*PARTICIPANTS)
def tongue_upload(encounter_id: int):
    """Multipart `photo` and `source`; answers JSON for the page's fetch, a redirect otherwise."""
    encounter = access.visible_encounter(current_user, encounter_id)
    back = redirect(url_for("diagnosis.tongue_capture", encounter_id=encounter_id))
    try:
        image_id = tongue.receive_photo(
            encounter,
            current_user,
            request.files.get("photo"),
            request.form.get("source", TongueImageSource.GALLERY),
        )
    except TCMError as exc:
        if _wants_json():  # the page shows the message as it is: in the page's language
            exc.message = error_message(exc.code, exc.message, exc.params)
            raise
        db.session.rollback()
        flash_error(exc)
        return back
    db.session.commit()  # sends the queued analysis (the embedded mode analyses it here)
    if not _wants_json():
        flash(_("The photo was received."), "success")
        return back
    return jsonify(status_json(db.session.get(TongueImage, image_id))), 201


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) != "text/html"


def status_json(image: TongueImage) -> dict:
    """What the patient's page shows: received, then the quality verdict with what to change."""
    analysis = image.analysis or {}
    checks = analysis.get("quality", {}).get("checks", {})
    return {
        "id": image.id,
        "status": image.status,
        "status_label": label(f"tongue_{image.status}"),
        "quality_passed": image.quality_passed,
        "hints": [label(f"hint_{code}") for code, check in checks.items() if not check["passed"]],
        "status_url": url_for("diagnosis.tongue_status", image_id=image.id),
    }


@bp.route("/tongue/<int:image_id>/status")
@roles_required(*PARTICIPANTS)
def tongue_status(image_id: int):
    return jsonify(status_json(_image(image_id)))


@bp.route("/tongue/<int:image_id>/photo")
@roles_required(*PARTICIPANTS)
def tongue_photo(image_id: int):
    image = _image(image_id)
    data = tongue.read_photo(image, current_user)
    db.session.commit()
    return file_response(data, "image/jpeg", f"tongue-{image_id}.jpg", inline=True)


@bp.route("/tongue/<int:image_id>", methods=["GET", "POST"])
@roles_required(Role.DOCTOR)
def tongue_review(image_id: int):
    """The photo with its outline, the suggested features, earlier photos; confirm or correct."""
    image = _image(image_id)
    form = ObservationForm(data=tongue.suggested_values(image) if request.method == "GET" else None)
    if form.validate_on_submit() and _confirm(image, form):
        flash(_("The tongue observation was recorded."), "success")
        return redirect(url_for("diagnosis.tongue_review", image_id=image_id))
    earlier = [(e, tongue.comparison(image, e)) for e in tongue.earlier_images(image)]
    return render_template(
        "diagnosis/tongue/review.html",
        image=image,
        form=form,
        encounter=image.encounter,
        earlier=earlier,
    ), 422 if request.method == "POST" else 200


def _confirm(image: TongueImage, form: ObservationForm) -> bool:
    """Record the observation and commit; on a refusal show it on the form."""
    try:
        outline = json.loads(form.outline.data) if form.outline.data else None
        tongue.confirm_observation(image, current_user, form.values(), outline, form.note.data)
    except json.JSONDecodeError:
        apply_errors(form, ValidationError("bad outline", "bad_outline"))
        return False
    except TCMError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return False
    db.session.commit()
    return True
