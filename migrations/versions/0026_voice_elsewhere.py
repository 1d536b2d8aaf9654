"""Voice notes where a patient would otherwise type (语音留言): the patient's answer to the
pharmacist's question about an outside prescription, a complaint, an adverse reaction report and
the chief complaint of a visit request may each carry a recording (its stored file and type), as
a text consult's chat message does since 0017. Plain ADD COLUMN, no batch copy: these tables are referred to (and some protected by
triggers), and a batch copy would drop and recreate them.

Revision ID: 0026_voice_elsewhere
Revises: 0025_elder_mode_and_proxies
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026_voice_elsewhere"
down_revision = "0025_elder_mode_and_proxies"
branch_labels = None
depends_on = None

TABLES = ("external_messages", "quality_complaints", "adverse_reactions")


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("audio_key", sa.String(length=64), nullable=True))
        op.add_column(table, sa.Column("audio_mime", sa.String(length=32), nullable=True))
    # A visit's chief complaint is one column among many: named for it.
    op.add_column("encounters", sa.Column("complaint_audio_key", sa.String(length=64), nullable=True))
    op.add_column("encounters", sa.Column("complaint_audio_mime", sa.String(length=32), nullable=True))


def downgrade():
    # SQLite 3.35+ and PostgreSQL drop a column in place.
    for table in TABLES:
        op.drop_column(table, "audio_mime")
        op.drop_column(table, "audio_key")
    op.drop_column("encounters", "complaint_audio_mime")
    op.drop_column("encounters", "complaint_audio_key")
