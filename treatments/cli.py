"""`flask treatments import`: load the reviewed therapy catalogue (treatments/data/)."""

from pathlib import Path

import click

from tcm_app.extensions import db
from treatments.services import catalogue


@click.group("treatments", help="In-person treatments: the therapy catalogue.")
def treatments_cli():
    pass


@treatments_cli.command("import")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=catalogue.DATA_FILE,
    help="A catalogue file in the same format (default: the shipped one).",
)
def import_command(path: Path):
    """Load treatments/data/therapies.yaml into the database; safe to repeat."""
    try:
        count = catalogue.import_therapies(path)
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"therapies: {count}")
