"""Tongue photos over the API: a mobile app uploads a photo and polls the quality verdict."""

from flask import Blueprint, jsonify, request
from flask_login import current_user

from diagnosis.api.schemas import TongueImageSchema
from diagnosis.models import TongueImage, TongueImageSource
from diagnosis.services import tongue
from tcm_app.api.blueprint import api_roles
from tcm_app.common.errors import NotFoundError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import access

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.diagnosis.<name>.
bp = Blueprint("diagnosis", __name__)


@bp.route("/encounters/<int:encounter_id>/tongue-images", methods=["POST"])
@api_roles(Role.PATIENT, Role.DOCTOR)
def tongue_image_create(encounter_id: int):
    """Upload a tongue photo (JPEG or PNG) to an open encounter; analysis follows.
    ---
    post:
      summary: Upload a tongue photo
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [photo]
              properties:
                photo: {type: string, format: binary}
      responses:
        201:
          description: received; poll GET /tongue-images/{id} for the quality verdict
          content:
            application/json:
              schema: TongueImageSchema
    """
    encounter = access.visible_encounter(current_user, encounter_id)
    image_id = tongue.receive_photo(
        encounter, current_user, request.files.get("photo"), TongueImageSource.API
    )
    db.session.commit()  # sends the queued analysis (the embedded mode analyses it here)
    return jsonify(TongueImageSchema().dump(db.session.get(TongueImage, image_id))), 201


@bp.route("/tongue-images/<int:image_id>")
@api_roles(Role.PATIENT, Role.DOCTOR)
def tongue_image_get(image_id: int):
    """The photo's status, quality checks and suggested features.
    ---
    get:
      summary: Read a tongue photo's analysis
      responses:
        200:
          description: status received, quality_failed, analysed or confirmed
          content:
            application/json:
              schema: TongueImageSchema
    """
    image = db.session.get(TongueImage, image_id)
    if image is None:
        raise NotFoundError("no such photo")
    access.visible_encounter(current_user, image.encounter_id)
    return jsonify(TongueImageSchema().dump(image))
