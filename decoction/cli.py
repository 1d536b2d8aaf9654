"""Command-line entry for the decoction plan: `flask --app tcm_app.app decoction plan` (or the older
`python -m decoction.plan`, which needs no app) reads a JSON request on stdin and prints the plan
as JSON. A herb without a method takes its catalogue default (先煎 for
石膏, 后下 for 薄荷 …); refusals print {"error": {"code", "message"}} and exit with status 2."""

import json
import sys

import click

from decoction.plan import METHOD_OF_NOTATION, Method, PlanError, plan_request
from herbs.catalogue import CatalogueIndex, parse_documents, unmarked_dispensing
from herbs.services.data_files import read_yaml_file, read_yaml_folder


def catalogue_methods():
    """name or alias → the catalogue's default method (None when the herb is unknown)."""
    herbs, _problems = parse_documents(read_yaml_folder("herbs"))
    # An unmarked toxic name (川乌) is dispensed processed (制川乌, 先煎): rules.yaml says which.
    index = CatalogueIndex(herbs, unmarked_dispensing(read_yaml_file("rules.yaml")))

    def method_of(name: str) -> Method | None:
        herb = index.resolve(name)
        return METHOD_OF_NOTATION.get(herb.method) if herb is not None and herb.method else None

    return method_of


def plan_command(stdin=None, stdout=None) -> int:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    try:
        request = json.loads(stdin.read())
        result, status = plan_request(request, catalogue_methods()), 0
    except json.JSONDecodeError as exc:
        result, status = {"error": {"code": "invalid_json", "message": str(exc)}}, 2
    except PlanError as exc:
        result, status = {"error": {"code": exc.code, "message": exc.message}}, 2
    stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return status


@click.group("decoction", help="Herb orders and the decoction room.")
def decoction_cli():
    pass


@decoction_cli.command("plan", help="Read a plan request (JSON) on stdin; print the plan.")
def plan_cli_command() -> None:
    sys.exit(plan_command())


if __name__ == "__main__":
    sys.exit(plan_command())
