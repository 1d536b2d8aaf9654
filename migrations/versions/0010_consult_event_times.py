"""Consult events keep when the server received them and the page's own clock reading beside when
they happened, so that an outage reported after the network returns shows its real length; and
the page and sequence number a page gave them, so that an event sent again after a reconnect
(its acknowledgement lost with the old socket) is stored once.

Revision ID: 0010_consult_event_times
Revises: 0009_inbox_registration
"""

from alembic import op
import sqlalchemy as sa
from protection import create_protection_triggers, drop_protection_triggers

APPEND_ONLY = ("consult_events",)


# revision identifiers, used by Alembic.
revision = "0010_consult_event_times"
down_revision = "0009_inbox_registration"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (not a batch copy): on SQLite a table copy would drop the append-only
    # triggers of consult_events.
    op.add_column(
        "consult_events", sa.Column("received_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "consult_events", sa.Column("browser_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("consult_events", sa.Column("page_id", sa.String(length=64), nullable=True))
    op.add_column("consult_events", sa.Column("page_seq", sa.Integer(), nullable=True))
    op.create_index(
        "uq_consult_events_page_seq",
        "consult_events",
        ["encounter_id", "page_id", "page_seq"],
        unique=True,
    )


def downgrade():
    drop_protection_triggers(APPEND_ONLY, ())
    op.drop_index("uq_consult_events_page_seq", table_name="consult_events")
    with op.batch_alter_table("consult_events", schema=None) as batch_op:
        batch_op.drop_column("page_seq")
        batch_op.drop_column("page_id")
        batch_op.drop_column("browser_at")
        batch_op.drop_column("received_at")
    create_protection_triggers(APPEND_ONLY, ())
