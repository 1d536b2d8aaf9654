"""The migrations and the models agree: after `flask db upgrade`, alembic's autogenerate finds
nothing to add, drop or retype (a model changed without its migration, or the reverse, fails here;
on PostgreSQL too, where types are stricter)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String

from tcm_app.extensions import db


def test_the_migrated_schema_is_the_models_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_guard_a_model_column_without_its_migration_is_reported(app):
    models = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(models)
    models.tables["patients"].append_column(Column("unmigrated_note", String(16)))
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, models)
    assert [(d[0], d[3].name) for d in differences] == [("add_column", "unmigrated_note")]
