"""Reference data for clients: departments and the doctors patients may choose."""

from flask import jsonify, request
from sqlalchemy import select

from tcm_app.api.blueprint import api_roles, bp
from tcm_app.api.schemas import DepartmentSchema, DoctorSchema, TcmCodeSchema
from tcm_app.common.errors import ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Department, DoctorProfile, Role, User
from tcm_app.services import codes


@bp.route("/departments")
@api_roles(*Role)
def departments_list():
    """Active departments (mirroring the clinic's offline departments).
    ---
    get:
      summary: List departments
      responses:
        200:
          content:
            application/json:
              schema:
                type: object
                properties:
                  items:
                    type: array
                    items: DepartmentSchema
    """
    rows = db.session.scalars(
        select(Department).where(Department.active.is_(True)).order_by(Department.code)
    ).all()
    return jsonify({"items": DepartmentSchema(many=True).dump(rows)})


@bp.route("/doctors")
@api_roles(*Role)
def doctors_list():
    """Active doctors; `?online=1` keeps those enabled for online care, `?department=` filters.
    ---
    get:
      summary: List doctors
      parameters:
        - {in: query, name: department, schema: {type: string}}
        - {in: query, name: online, schema: {type: string, enum: ["0", "1"]}}
      responses:
        200:
          content:
            application/json:
              schema:
                type: object
                properties:
                  items:
                    type: array
                    items: DoctorSchema
    """
    query = (
        select(User, DoctorProfile)
        .join(DoctorProfile, DoctorProfile.user_id == User.id)
        .join(Department, Department.id == DoctorProfile.department_id)
        .where(User.active.is_(True))
        .order_by(User.full_name)
    )
    if request.args.get("online") == "1":
        query = query.where(DoctorProfile.online_enabled.is_(True))
    if request.args.get("department"):
        query = query.where(Department.code == request.args["department"])
    items = [
        {
            "id": u.id,
            "full_name": u.full_name,
            "title": p.title,
            "department": p.department,
            "online_enabled": p.online_enabled,
        }
        for u, p in db.session.execute(query).all()
    ]
    return jsonify({"items": DoctorSchema(many=True).dump(items)})


@bp.route("/codes")
@api_roles(Role.DOCTOR, Role.PHARMACIST)
def codes_list():
    """Coded TCM diagnoses (GB/T 15657-2021) by name, pinyin, initials or code, best match first.
    `kind` is disease, pattern or method; with `disease=<code>` and kind=pattern the usual patterns
    of that disease come first (marked `usual`).
    ---
    get:
      summary: Search the TCM code table
      parameters:
        - {in: query, name: q, schema: {type: string, maxLength: 32}}
        - {in: query, name: kind, schema: {type: string, enum: [disease, pattern, method]}}
        - {in: query, name: disease, schema: {type: string, maxLength: 32}}
      responses:
        200:
          content:
            application/json:
              schema:
                type: object
                properties:
                  items:
                    type: array
                    items: TcmCodeSchema
    """
    query = (request.args.get("q") or "").strip()
    kind = (request.args.get("kind") or "").strip()
    disease = (request.args.get("disease") or "").strip()
    errors = {}
    if kind and kind not in ("disease", "pattern", "method"):
        errors["kind"] = ["invalid"]
    if len(query) > 32:
        errors["q"] = ["too_long"]
    if len(disease) > 32:
        errors["disease"] = ["too_long"]
    if errors:
        raise ValidationError("bad code search", fields=errors)
    usual = codes.usual_pattern_prefixes(disease) if kind == "pattern" else ()
    items = [
        {
            **code.as_dict(),
            "usual": any(code.key == p or code.key.startswith(p + ".") for p in usual),
        }
        for code in codes.search(query, kind, disease)
    ]
    return jsonify({"items": TcmCodeSchema(many=True).dump(items)})
