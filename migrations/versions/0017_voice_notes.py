"""Voice notes in text consults (语音留言): a chat message may carry a recording (its stored file
and type). Plain ADD COLUMN, no batch copy: the table is protected by triggers and referred to.

Revision ID: 0017_voice_notes
Revises: 0016_text_consults
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017_voice_notes"
down_revision = "0016_text_consults"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("consult_chat_messages", sa.Column("audio_key", sa.String(length=64), nullable=True))
    op.add_column("consult_chat_messages", sa.Column("audio_mime", sa.String(length=32), nullable=True))


def downgrade():
    # SQLite 3.35+ and PostgreSQL drop a column in place.
    op.drop_column("consult_chat_messages", "audio_mime")
    op.drop_column("consult_chat_messages", "audio_key")
