"""One name for the version column: prescriptions.lock_version becomes prescriptions.version,
as on encounters and treatment bookings (the optimistic lock, SQLAlchemy's version_id_col).

Revision ID: 0014_version_column
Revises: 0013_renal_function
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0014_version_column"
down_revision = "0013_renal_function"
branch_labels = None
depends_on = None


def upgrade():
    # A plain RENAME COLUMN (SQLite 3.25+, PostgreSQL), no batch copy: other tables refer to
    # prescriptions, and recreating it under SQLite's foreign keys fails.
    op.alter_column("prescriptions", "lock_version", new_column_name="version")


def downgrade():
    op.alter_column("prescriptions", "version", new_column_name="lock_version")
