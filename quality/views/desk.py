"""The quality officer's home: what waits for them."""

from flask import render_template

from quality.views.blueprint import bp
from tcm_app.models.accounts import Role
from tcm_app.views.guards import roles_required


@bp.get("/")
@roles_required(Role.QUALITY)
def desk():
    return render_template("quality/desk.html")
