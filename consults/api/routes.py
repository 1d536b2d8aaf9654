"""Video consult over the API: a room token, the socket address and ICE servers for a mobile app."""

from flask import g, jsonify, url_for
from marshmallow import Schema, fields

from consults.services import calls
from tcm_app.api.blueprint import api_roles, bp
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import access


class RoomSchema(Schema):
    token = fields.String(metadata={"description": "valid for 120 s, for this user and consult"})
    ws_url = fields.String()
    ice_servers = fields.List(fields.Dict())
    polite = fields.Boolean(metadata={"description": "perfect-negotiation role (the patient)"})


@bp.route("/encounters/<int:encounter_id>/consult-room", methods=["POST"])
@api_roles(Role.DOCTOR, Role.PATIENT)
def consult_room(encounter_id: int):
    """Join the video consult: a short-lived room token and where to open the signaling socket.
    ---
    post:
      summary: Get a room token for the video consult
      responses:
        200:
          content:
            application/json:
              schema: RoomSchema
    """
    user = g.api_token.user
    encounter = access.visible_encounter(user, encounter_id)
    calls.enter_waiting_room(encounter, user)
    token = calls.room_token(encounter, user)
    db.session.commit()
    # Werkzeug builds WebSocket rules as absolute ws:// or wss:// URLs on the request's host.
    ws_url = url_for("consults.consult_socket", encounter_id=encounter_id, token=token)
    return jsonify(
        {
            "token": token,
            "ws_url": ws_url,
            "ice_servers": calls.ice_servers(user),
            "polite": user.role != Role.DOCTOR,
        }
    )
