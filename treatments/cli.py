"""`flask treatments import`: load the reviewed therapy catalogue (treatments/data/)."""

import click

from tcm_app.extensions import db
from treatments.services import catalogue


@click.group("treatments", help="In-person treatments: the therapy catalogue.")
def treatments_cli():
    pass


@treatments_cli.command("import")
def import_command():
    """Load treatments/data/therapies.yaml into the database; safe to repeat."""
    try:
        count = catalogue.import_therapies()
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"therapies: {count}")
