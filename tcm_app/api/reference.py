"""Reference data for clients: departments and the doctors patients may choose."""

from flask import jsonify, request
from sqlalchemy import select

from tcm_app.api.blueprint import api_roles, bp
from tcm_app.api.schemas import DepartmentSchema, DoctorSchema
from tcm_app.extensions import db
from tcm_app.models.accounts import Department, DoctorProfile, Role, User


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
