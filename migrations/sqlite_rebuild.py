"""A SQLite batch rebuild (Alembic's batch_alter_table: copy, drop, rename) of a table that other
rows refer to fails under the app's foreign keys ("FOREIGN KEY constraint failed" at the drop),
and PRAGMA foreign_keys cannot change inside a migration's transaction. `rows_kept_aside` keeps
the table's rows in a temporary table around the rebuild, with the foreign keys deferred to the
commit, and puts them back after it (the columns both have; new columns take their defaults).
Drop the table's protection triggers first: emptying it is a DELETE. PostgreSQL alters in place
and needs none of this."""

from contextlib import contextmanager

from alembic import op


def _columns(schema, table):
    return [row[1] for row in op.get_bind().exec_driver_sql(f"PRAGMA {schema}.table_info({table})")]


@contextmanager
def rows_kept_aside(table):
    """SQLite: empty the table into a temporary one around a batch rebuild, then put the rows
    back (the columns both have), with the foreign keys checked at commit."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f"CREATE TEMP TABLE kept_{table} AS SELECT * FROM {table}")
    op.execute(f"DELETE FROM {table}")
    yield
    kept = set(_columns("temp", f"kept_{table}"))
    names = ", ".join(c for c in _columns("main", table) if c in kept)
    op.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM kept_{table}")
    op.execute(f"DROP TABLE kept_{table}")
