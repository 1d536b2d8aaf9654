"""Kidney function on the patient record (肾功能), recorded by the treating doctor: the
aristolochic-acid rule (马兜铃酸, forbidden in kidney disease) reads it.

Revision ID: 0013_renal_function
Revises: 0012_tcm_codes
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013_renal_function"
down_revision = "0012_tcm_codes"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (not a batch copy): other tables refer to patients.
    op.add_column(
        "patients",
        sa.Column(
            "renal_function", sa.String(length=16), nullable=False, server_default="renal_unknown"
        ),
    )
    op.add_column("patients", sa.Column("renal_function_updated_on", sa.Date(), nullable=True))


def downgrade():
    # No batch copy: recreating patients under SQLite's foreign keys fails once other tables
    # point at it. SQLite 3.35+ drops a plain column in place, as PostgreSQL does.
    for column in ("renal_function_updated_on", "renal_function"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE patients DROP COLUMN {column}")
        else:
            op.drop_column("patients", column)
