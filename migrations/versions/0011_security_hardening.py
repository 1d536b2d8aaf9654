"""Security hardening: signing locks after wrong signing passwords, a forced password change after
an administrator's reset, and sign-in failures counted per username and source address.

Revision ID: 0011_security_hardening
Revises: 0010_consult_event_times
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011_security_hardening"
down_revision = "0010_consult_event_times"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (not a batch copy): many tables refer to users.
    op.add_column(
        "users",
        sa.Column("signing_failed_count", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "users", sa.Column("signing_locked_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=45), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locks", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint(
            "username", "source", name=op.f("uq_login_throttles_username")
        ),
    )


def downgrade():
    op.drop_table("login_throttles")
    # No batch copy here either: recreating users under SQLite's foreign keys fails once other
    # tables point at it. SQLite 3.35+ drops a plain column in place, as PostgreSQL does.
    for column in ("must_change_password", "signing_locked_until", "signing_failed_count"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE users DROP COLUMN {column}")
        else:
            op.drop_column("users", column)
