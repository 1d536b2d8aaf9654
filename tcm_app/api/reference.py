"""Reference data for clients: departments and the doctors patients may choose."""

from flask import g
from sqlalchemy import select

from tcm_app.api.blueprint import api_roles, bp
from tcm_app.api.lists import choice_arg, list_response, paged, text_arg
from tcm_app.api.schemas import DepartmentSchema, DoctorSchema, TcmCodeSchema
from tcm_app.extensions import db
from tcm_app.models.accounts import Department, DoctorProfile, Role, User
from tcm_app.services import codes

MAX_LISTED = 200
CODE_KINDS = ("disease", "pattern", "method")


@bp.route("/departments")
@api_roles(*Role)
@paged(MAX_LISTED)
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
    statement = select(Department).where(Department.active.is_(True)).order_by(Department.code)
    return list_response(DepartmentSchema(), db.session.scalars(g.page.of_statement(statement)))


@bp.route("/doctors")
@api_roles(*Role)
@paged(MAX_LISTED)
def doctors_list():
    """Active doctors; `?online=1` keeps those enabled for online care, `?department=` filters.
    ---
    get:
      summary: List doctors
      parameters:
        - {in: query, name: department, schema: {type: string, maxLength: 32}}
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
        select(DoctorProfile)
        .join(User, DoctorProfile.user_id == User.id)
        .join(Department, Department.id == DoctorProfile.department_id)
        .where(User.active.is_(True))
        .order_by(User.full_name)
    )
    if choice_arg("online", ("0", "1")) == "1":
        query = query.where(DoctorProfile.online_enabled.is_(True))
    department = text_arg("department", 32)
    if department:
        query = query.where(Department.code == department)
    return list_response(DoctorSchema(), db.session.scalars(g.page.of_statement(query)))


@bp.route("/codes")
@api_roles(Role.DOCTOR, Role.PHARMACIST)
@paged(50, default=20)
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
    query = text_arg("q", 32).strip()
    kind = choice_arg("kind", CODE_KINDS) or ""
    disease = text_arg("disease", 32).strip()
    usual = codes.usual_pattern_prefixes(disease) if kind == "pattern" else ()
    found = codes.search(query, kind, disease, limit=g.page.offset + g.page.limit)
    return list_response(TcmCodeSchema(usual_prefixes=usual), g.page.of_list(found))
