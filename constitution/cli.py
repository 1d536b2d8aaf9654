"""`flask constitution score [--scale ccmq|elderly]`: reads one JSON object on stdin
(`{"sex", "age", "answers"}`, see constitution/score_input.py), prints the scores and verdicts
as one JSON object, or `{"error": {"code", "message"}}` and exits with 2 when the input is bad.
Reading, printing and the exit code live here, so the scoring rules stay pure."""

import json
import sys

import click

from constitution.score_input import ScoreInputError, parse_request
from constitution.scoring import score_subscales
from constitution.services.scales import SCALE_CODES, STANDARD, scale
from tcm_app.labels import error_message

BAD_INPUT_EXIT = 2


@click.group("constitution", help="Constitution assessment (中医体质测评).")
def constitution_cli():
    pass


@constitution_cli.command("score", help="Score one questionnaire: JSON on stdin, JSON out.")
@click.option("--scale", "scale_code", default=STANDARD, type=click.Choice(SCALE_CODES))
def score_command(scale_code: str) -> None:
    chosen = scale(scale_code)
    try:
        data = json.loads(sys.stdin.read())
    except (json.JSONDecodeError, UnicodeDecodeError):
        _refuse("invalid_json", "the input is not JSON", {})
    try:
        sex, values = parse_request(data, chosen)
    except ScoreInputError as exc:
        _refuse(exc.code, exc.message, exc.params)
    click.echo(json.dumps(score_subscales(chosen, sex, values).to_dict(), ensure_ascii=False))


def _refuse(code: str, fallback: str, params: dict) -> None:
    message = error_message(code, fallback, params or None)
    click.echo(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False))
    sys.exit(BAD_INPUT_EXIT)
