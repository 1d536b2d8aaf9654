"""Database triggers that keep records (全程留痕): append-only tables refuse UPDATE and DELETE,
never-deleted tables refuse DELETE. Shared by the migrations after 0001 (which also creates the
PostgreSQL function tcm_refuse_change() used here)."""

from alembic import op


def create_protection_triggers(append_only: tuple, never_deleted: tuple) -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in append_only:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION tcm_refuse_change()")
        for table in never_deleted:
            op.execute(f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION tcm_refuse_change()")
        return
    for table in append_only:
        op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, 'UPDATE on {table} is not allowed'); END")
    for table in append_only + never_deleted:
        op.execute(f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, 'DELETE on {table} is not allowed'); END")


def drop_protection_triggers(append_only: tuple, never_deleted: tuple) -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in append_only:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        for table in never_deleted:
            op.execute(f"DROP TRIGGER {table}_never_deleted ON {table}")
        return
    for table in append_only:
        op.execute(f"DROP TRIGGER {table}_no_update")
    for table in append_only + never_deleted:
        op.execute(f"DROP TRIGGER {table}_never_deleted")
