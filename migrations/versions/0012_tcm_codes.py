"""Coded TCM diagnoses: the GB/T 15657-2021 table (diseases, patterns, 治法 terms) and, on each
diagnosis, the method code and the parallel Western diagnosis (ICD-10 national clinical edition).

Revision ID: 0012_tcm_codes
Revises: 0011_security_hardening
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012_tcm_codes"
down_revision = "0011_security_hardening"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tcm_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_key", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_key", sa.String(length=32), nullable=False),
        sa.Column("pinyin", sa.String(length=255), nullable=False),
        sa.Column("initials", sa.String(length=64), nullable=False),
        sa.Column("temporary", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_key"),
    )
    op.create_index("ix_tcm_codes_name", "tcm_codes", ["name"])
    op.create_index("ix_tcm_codes_kind", "tcm_codes", ["kind"])
    # Plain ADD COLUMN (not a batch copy): other tables may refer to encounter_diagnoses.
    op.add_column("encounter_diagnoses", sa.Column("method_code", sa.String(length=32)))
    op.add_column(
        "encounter_diagnoses",
        sa.Column("western_name", sa.String(length=64), server_default="", nullable=False),
    )
    op.add_column("encounter_diagnoses", sa.Column("western_code", sa.String(length=16)))


def downgrade():
    # No batch copy (see 0011): SQLite 3.35+ drops a plain column in place, as PostgreSQL does.
    for column in ("western_code", "western_name", "method_code"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE encounter_diagnoses DROP COLUMN {column}")
        else:
            op.drop_column("encounter_diagnoses", column)
    op.drop_index("ix_tcm_codes_kind", table_name="tcm_codes")
    op.drop_index("ix_tcm_codes_name", table_name="tcm_codes")
    op.drop_table("tcm_codes")
