"""API sign-in: exchange username and password for an expiring, revocable bearer token."""

from flask import g, jsonify, request
from flask_login import current_user

from tcm_app.api.blueprint import api_public, api_roles, bp, load_json
from tcm_app.api.schemas import MeSchema, TokenRequestSchema, TokenSchema
from tcm_app.common.errors import AuthenticationError
from tcm_app.extensions import db, limiter
from tcm_app.models.accounts import Role
from tcm_app.services.access import own_patients
from tcm_app.services.accounts import authenticate, issue_token, revoke_token
from tcm_app.views.auth import login_limit


@bp.route("/auth/token", methods=["POST"])
@limiter.limit(login_limit)
@api_public
def token_create():
    """Exchange username and password for a bearer token.
    ---
    post:
      summary: Sign in and receive a bearer token
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema: TokenRequestSchema
      responses:
        201:
          description: "A new token; send it as `Authorization: Bearer <token>`."
          content:
            application/json:
              schema: TokenSchema
    """
    body = load_json(TokenRequestSchema())
    try:
        user = authenticate(body["username"], body["password"], request.remote_addr)
    except AuthenticationError:
        db.session.commit()  # keep the failure count and its audit entry
        raise
    plain, token = issue_token(user)
    db.session.commit()
    data = {"token": plain, "token_type": "Bearer", "expires_at": token.expires_at}
    response = jsonify(TokenSchema().dump(data))
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1: credentials are not cached
    return response, 201


@bp.route("/auth/token", methods=["DELETE"])
@api_roles(*Role)
def token_revoke():
    """Revoke the token used for this request.
    ---
    delete:
      summary: Sign out (revoke this token)
      responses:
        204:
          description: Revoked.
    """
    revoke_token(g.api_token)
    db.session.commit()
    return "", 204


@bp.route("/me")
@api_roles(*Role)
def me():
    """Who the token belongs to, and the patients it acts for.
    ---
    get:
      summary: The signed-in user
      responses:
        200:
          content:
            application/json:
              schema: MeSchema
    """
    # own_patient_ids: the patient, the wards and the elders who consented (家人代办)
    patients = own_patients(current_user) if current_user.role == Role.PATIENT else []
    return jsonify(MeSchema().dump({"user": current_user, "patients": patients}))
