"""Herb search, formula templates, the safety check and the prescription flow over the API."""

from flask import Blueprint, g, jsonify, request
from flask_login import current_user

from herbs import prescribing
from herbs.api.schemas import (
    DraftRequestSchema,
    FindingSchema,
    PrescriptionSchema,
    ReviewRequestSchema,
    SigningPasswordSchema,
    SignRequestSchema,
    TemplateSchema,
    herb_rows,
    herb_schema,
)
from herbs.models import Prescription, PrescriptionStatus
from herbs.safety import HerbLine, PatientFacts
from herbs.services import access, formulas, pdf_delivery, prescriptions
from herbs.services.catalogue import current_catalogue
from tcm_app.api.blueprint import api_roles, load_json
from tcm_app.api.lists import choice_arg, list_response, paged, text_arg
from tcm_app.common.errors import NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import access as core_access
from tcm_app.services.accounts import set_signing_password
from tcm_app.views.responses import pdf_response

# Nested under the core API (/api/v1) by setup.py; its endpoints are api.herbs.<name>.
bp = Blueprint("herbs", __name__)

CATALOGUE_READERS = (Role.DOCTOR, Role.PHARMACIST, Role.DECOCTION, Role.CLINIC, Role.ADMIN)
PRESCRIBERS = (Role.DOCTOR, Role.PHARMACIST)
RX_READERS = (Role.DOCTOR, Role.PHARMACIST, Role.PATIENT)
MAX_RESULTS = 50
MAX_LISTED = 200
TEMPLATE_KINDS = ("classical", "agreed")
STATUSES = tuple(s.value for s in PrescriptionStatus)
MAX_TEMPLATE_QUERY = 40
MAX_TEMPLATES = 100


def prescription_json(prescription, findings=None) -> dict:
    return PrescriptionSchema(findings=findings).dump(prescription)


@bp.route("/herbs")
@api_roles(*CATALOGUE_READERS)
@paged(MAX_RESULTS, default=20)
def herbs_search():
    """Search the herb catalogue by name, alias, pinyin or initials (`gc` finds 甘草), ranked.
    ---
    get:
      summary: Search herbs as the doctor types
      parameters:
        - {in: query, name: q, schema: {type: string, maxLength: 32}}
      responses:
        200:
          content:
            application/json:
              schema: HerbListSchema
    """
    query = text_arg("q", prescribing.MAX_NAME_CHARS)
    catalogue = current_catalogue()
    hits = g.page.of_list(catalogue.search.search(query, g.page.offset + g.page.limit))
    herbs = [catalogue.index.by_code[hit.code] for hit in hits]
    matched = {hit.code: hit.matched for hit in hits}
    return jsonify({"items": herb_rows(catalogue, herbs, matched)})


@bp.route("/herbs/<int:herb_id>")
@api_roles(*CATALOGUE_READERS)
def herb_detail(herb_id: int):
    """One herb with its dose range, toxicity, pregnancy class and special method.
    ---
    get:
      summary: Read a herb
      responses:
        200:
          content:
            application/json:
              schema: HerbSchema
    """
    catalogue = current_catalogue()
    code = next((c for c, i in catalogue.records_by_code.items() if i == herb_id), None)
    if code is None:
        raise NotFoundError("no such herb")
    return jsonify(herb_schema(catalogue).dump(catalogue.index.by_code[code]))


@bp.route("/formulas")
@api_roles(*PRESCRIBERS)
@paged(MAX_TEMPLATES)
def formulas_list():
    """Formula templates: the 100 classical formulas (2018) and the clinic's agreed formulas.
    ---
    get:
      summary: Search formula templates
      parameters:
        - {in: query, name: q, schema: {type: string, maxLength: 40}}
        - {in: query, name: kind, schema: {type: string, enum: [classical, agreed]}}
      responses:
        200:
          content:
            application/json:
              schema: TemplateListSchema
    """
    kind = choice_arg("kind", TEMPLATE_KINDS)
    query = request.args.get("q", "")[:MAX_TEMPLATE_QUERY]
    found = formulas.search_templates(query, kind, limit=g.page.offset + g.page.limit)
    return list_response(TemplateSchema(), g.page.of_list(found))


@bp.route("/formulas/<int:template_id>")
@api_roles(*PRESCRIBERS)
def formula_detail(template_id: int):
    """One template with its lines (they only pre-fill the editor).
    ---
    get:
      summary: Read a formula template
      responses:
        200:
          content:
            application/json:
              schema: TemplateSchema
    """
    return jsonify(TemplateSchema().dump(formulas.get_template(template_id)))


@bp.route("/prescriptions/check", methods=["POST"])
@api_roles(*PRESCRIBERS)
def prescription_check():
    """Run the safety checks on a formula without saving anything.
    ---
    post:
      summary: Check a formula (十八反, 十九畏, pregnancy, toxic herbs, dose, duplicates)
      requestBody:
        required: true
        content:
          application/json:
            schema: CheckRequestSchema
      responses:
        200:
          content:
            application/json:
              schema: FindingListSchema
    """
    lines, packets, patient, errors = prescribing.parse_check_request(request.get_json(silent=True))
    if errors:
        raise ValidationError("the formula has errors", "invalid", errors)
    herb_lines = [HerbLine(line.name, line.dose_g) for line in lines]
    findings = prescriptions.check(herb_lines, packets, PatientFacts(**patient))
    return list_response(FindingSchema(), findings)


@bp.route("/prescriptions")
@api_roles(*RX_READERS)
@paged(MAX_LISTED)
def prescriptions_list():
    """Prescriptions visible to the caller; `status=pending_review` is the pharmacist's queue.
    ---
    get:
      summary: List prescriptions (newest first; the review queue oldest first)
      parameters:
        - in: query
          name: status
          schema:
            type: string
            enum: [draft, pending_review, approved, rejected, used, expired, void]
      responses:
        200:
          content:
            application/json:
              schema: PrescriptionListSchema
    """
    status = choice_arg("status", STATUSES)
    if status == "pending_review" and current_user.role == Role.PHARMACIST:
        statement = access.review_queue()
    else:
        statement = access.prescriptions_query(current_user).order_by(Prescription.id.desc())
        if status:
            statement = statement.where(Prescription.status == status)
    return list_response(PrescriptionSchema(), db.session.scalars(g.page.of_statement(statement)))


@bp.route("/encounters/<int:encounter_id>/prescriptions", methods=["POST"])
@api_roles(Role.DOCTOR)
def prescription_open(encounter_id: int):
    """Open the draft prescription of a visit (the same draft if one is open).
    ---
    post:
      summary: Open a draft prescription
      responses:
        201:
          content:
            application/json:
              schema: PrescriptionSchema
    """
    encounter = core_access.visible_encounter(current_user, encounter_id)
    draft = prescriptions.open_draft(encounter, current_user)
    db.session.commit()
    return jsonify(prescription_json(draft, prescriptions.findings_for(draft))), 201


@bp.route("/prescriptions/<int:prescription_id>")
@api_roles(*RX_READERS)
def prescription_detail(prescription_id: int):
    """One prescription (drafts only to their doctor).
    ---
    get:
      summary: Read a prescription
      responses:
        200:
          content:
            application/json:
              schema: PrescriptionSchema
    """
    prescription = access.visible_prescription(current_user, prescription_id)
    return jsonify(prescription_json(prescription))


@bp.route("/prescriptions/<int:prescription_id>", methods=["PUT"])
@api_roles(Role.DOCTOR)
def prescription_save(prescription_id: int):
    """Replace the draft's lines, packets and usage; answers with the findings.
    ---
    put:
      summary: Save a draft
      requestBody:
        required: true
        content:
          application/json:
            schema: DraftRequestSchema
      responses:
        200:
          content:
            application/json:
              schema: PrescriptionSchema
    """
    body = load_json(DraftRequestSchema())
    prescription = access.visible_prescription(current_user, prescription_id)
    findings = prescriptions.save_draft(
        prescription,
        current_user,
        body["lines"],
        body["packets"],
        body["usage"],
        body.get("version"),
        body.get("template_id"),
    )
    db.session.commit()
    return jsonify(prescription_json(prescription, findings))


@bp.route("/prescriptions/<int:prescription_id>/sign", methods=["POST"])
@api_roles(Role.DOCTOR)
def prescription_sign(prescription_id: int):
    """The doctor signs personally (signing password); flagged findings need a reason each.
    ---
    post:
      summary: Sign and send to pharmacist review
      requestBody:
        required: true
        content:
          application/json:
            schema: SignRequestSchema
      responses:
        200:
          content:
            application/json:
              schema: PrescriptionSchema
        403:
          description: "`bad_signature`: the signing password is wrong (counted)."
        423:
          description: >-
            `signing_locked`: signing is locked after SIGNING_MAX_FAILURES wrong signing
            passwords in a row, even for the right one, until the time the message names
            (SIGNING_LOCKOUT_MINUTES) or until an administrator unlocks it.
    """
    body = load_json(SignRequestSchema())
    prescription = access.visible_prescription(current_user, prescription_id)
    prescriptions.sign(
        prescription, current_user, body["signing_password"], body["reasons"], body.get("version")
    )
    db.session.commit()
    return jsonify(prescription_json(prescription))


@bp.route("/prescriptions/<int:prescription_id>/review", methods=["POST"])
@api_roles(Role.PHARMACIST)
def prescription_review(prescription_id: int):
    """审方: approve or return to the doctor with a reason (signing password).
    ---
    post:
      summary: Review a prescription
      requestBody:
        required: true
        content:
          application/json:
            schema: ReviewRequestSchema
      responses:
        200:
          content:
            application/json:
              schema: PrescriptionSchema
        403:
          description: "`bad_signature`: the signing password is wrong (counted)."
        423:
          description: >-
            `signing_locked`: signing is locked after SIGNING_MAX_FAILURES wrong signing
            passwords in a row, even for the right one, until the time the message names
            (SIGNING_LOCKOUT_MINUTES) or until an administrator unlocks it.
    """
    body = load_json(ReviewRequestSchema())
    prescription = access.visible_prescription(current_user, prescription_id)
    approve = body["decision"] == "approve"
    prescriptions.review(
        prescription, current_user, approve, body["note"], body["signing_password"]
    )
    db.session.commit()
    return jsonify(prescription_json(prescription))


@bp.route("/prescriptions/<int:prescription_id>/revise", methods=["POST"])
@api_roles(Role.DOCTOR)
def prescription_revise(prescription_id: int):
    """Start the next version of a returned prescription (the old one is kept).
    ---
    post:
      summary: Revise a returned prescription
      responses:
        201:
          content:
            application/json:
              schema: PrescriptionSchema
    """
    prescription = access.visible_prescription(current_user, prescription_id)
    draft = prescriptions.revise(prescription, current_user)
    db.session.commit()
    return jsonify(prescription_json(draft, prescriptions.findings_for(draft))), 201


@bp.route("/prescriptions/<int:prescription_id>/pdf")
@api_roles(*RX_READERS)
def prescription_pdf(prescription_id: int):
    """The 处方笺 as PDF (rendered by a background task and cached); 202 while it renders.
    ---
    get:
      summary: Download the prescription PDF
      responses:
        200:
          content:
            application/pdf: {}
        202:
          content:
            application/json: {}
    """
    prescription = access.visible_prescription(current_user, prescription_id)
    pdf = pdf_delivery.pdf_or_render(prescription, current_user)
    db.session.commit()  # sends a queued rendering (the embedded mode renders it here)
    pdf = pdf or pdf_delivery.rendered_pdf(prescription)
    if pdf is None:
        return jsonify({"status": "rendering"}), 202
    name = f"prescription-{prescription.id}-{prescription.revision}.pdf"
    return pdf_response(pdf, name, inline=False)


@bp.route("/me/signing-password", methods=["PUT"])
@api_roles(*PRESCRIBERS)
def signing_password_set():
    """Set my e-signature password (proving my login password).
    ---
    put:
      summary: Set my signing password
      requestBody:
        required: true
        content:
          application/json:
            schema: SigningPasswordSchema
      responses:
        204:
          description: set
        401:
          description: >-
            `account_locked`: too many wrong login passwords for this username from this
            address (here or at sign-in); the message says how many minutes to wait.
        422:
          description: >-
            `wrong_password`: the login password is wrong; it counts as a failed sign-in.
            `weak_password`, `same_as_login`: the new signing password is refused.
    """
    body = load_json(SigningPasswordSchema())
    set_signing_password(
        current_user, body["login_password"], body["signing_password"], request.remote_addr
    )
    db.session.commit()
    return "", 204
