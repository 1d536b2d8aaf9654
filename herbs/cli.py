"""`flask herbs ...`: load the reviewed catalogue, and run the safety check on JSON from stdin."""

import json
import sys

import click

from herbs import prescribing
from herbs.safety import HerbLine, PatientFacts
from herbs.services import catalogue as catalogue_service
from herbs.services import prescriptions, reference
from tcm_app.common.errors import TCMError
from tcm_app.extensions import db

CLI_FINDING_KEYS = ("code", "severity", "herbs", "message", "source")


@click.group("herbs", help="Herb catalogue, formula templates and the prescription safety check.")
def herbs_cli():
    pass


@herbs_cli.command("import")
def import_command():
    """Load herbs/data/ (herbs, then formula templates) into the database; safe to repeat."""
    try:
        summary = reference.load_reference()
    except TCMError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(summary)


@herbs_cli.command("check")
def check_command():
    """Read {"herbs": [{"name", "dose_g"}], "packets", "patient"} on stdin, print the findings."""
    try:
        body = json.loads(sys.stdin.read() or "null")
    except json.JSONDecodeError as exc:
        _fail("invalid_json", f"stdin is not JSON: {exc.msg} (line {exc.lineno})")
    lines, packets, patient, errors = prescribing.parse_check_request(body)
    if errors:
        _fail("invalid", "the request has errors", errors)
    if len(catalogue_service.current_catalogue().index) == 0:
        _fail("empty_catalogue", "the herb catalogue is empty: run `flask herbs import` first")
    findings = prescriptions.check(
        [HerbLine(line.name, line.dose_g) for line in lines], packets, PatientFacts(**patient)
    )
    result = [{key: finding.as_dict()[key] for key in CLI_FINDING_KEYS} for finding in findings]
    click.echo(json.dumps({"findings": result}, ensure_ascii=False))


def _fail(code: str, message: str, fields: dict | None = None):
    error = {"code": code, "message": message, **({"fields": fields} if fields else {})}
    click.echo(json.dumps({"error": error}, ensure_ascii=False), err=True)
    sys.exit(2)
