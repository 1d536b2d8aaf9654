"""The OpenAPI 3 document, built by apispec from the route docstrings and marshmallow schemas."""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify

from tcm_app.api.blueprint import api_public, bp
from tcm_app.api.lists import paging_parameters

ERROR_STATUSES = {
    "400": "Malformed request.",
    "401": "Missing, expired or revoked bearer token.",
    "403": "The caller's role may not do this.",
    "404": "Not found, or not in the caller's scope.",
    "409": "Conflicts with the current state (stale version, closed visit).",
    "422": "Validation failed; `error.fields` names the fields.",
    "429": "Too many attempts.",
}


def build_spec(app) -> dict:
    spec = APISpec(
        title="tcm-hospital API",
        version="1",
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
        info={"description": "TCM internet hospital: accounts, patients, encounters."},
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.options["security"] = [{"bearer": []}]
    from tcm_app.api.schemas import ErrorSchema

    spec.components.schema("Error", schema=ErrorSchema)
    paged = {}
    for name, view in app.view_functions.items():
        if name.startswith("api.") and view.__doc__ and "---" in view.__doc__:
            spec.path(view=view, app=app)
            if hasattr(view, "paging"):
                paged.update(
                    {openapi_path(r.rule): view.paging for r in app.url_map.iter_rules(name)}
                )
    document = spec.to_dict()
    document["security"] = [{"bearer": []}]
    add_path_parameters(document)
    add_paging_parameters(document, paged)
    add_error_responses(document)
    return document


def openapi_path(rule: str) -> str:
    """Flask's /encounters/<int:encounter_id> is OpenAPI's /encounters/{encounter_id}."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)


def add_paging_parameters(document: dict, paged: dict) -> None:
    """Every list marked @paged takes the same `limit` and `offset`, declared here once."""
    for path, (default, maximum) in paged.items():
        get = document["paths"][path]["get"]
        get.setdefault("parameters", []).extend(paging_parameters(default, maximum))


def add_path_parameters(document: dict) -> None:
    """Declare every {id} of a path once, as a positive integer, instead of in each docstring."""
    for path, operations in document["paths"].items():
        for name in re.findall(r"{(\w+)}", path):
            for operation in operations.values():
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("in") == "path" and p.get("name") == name for p in parameters):
                    parameters.append(
                        {
                            "in": "path",
                            "name": name,
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                        }
                    )


ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def add_error_responses(document: dict) -> None:
    """Every operation may answer with the common JSON error body (also an error status a
    docstring describes in words, such as 423 `signing_locked`)."""
    for operations in document["paths"].values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                response.setdefault("description", "OK")
                if str(status).startswith(("4", "5")):
                    response.setdefault("content", ERROR_CONTENT)


@bp.route("/openapi.json")
@api_public
def openapi_document():
    return jsonify(build_spec(current_app))
