"""A repeat prescription's request (续方) may be said in a voice note (语音留言) instead of typed:
its stored file and type beside the update, as a complaint's since 0026. Plain ADD COLUMN, no
batch copy: prescription_renewals is referred to, and a batch copy would drop and recreate it.

Revision ID: 0027_renewal_voice
Revises: 0026_voice_elsewhere
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0027_renewal_voice"
down_revision = "0026_voice_elsewhere"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "prescription_renewals", sa.Column("audio_key", sa.String(length=64), nullable=True)
    )
    op.add_column(
        "prescription_renewals", sa.Column("audio_mime", sa.String(length=32), nullable=True)
    )


def downgrade():
    # SQLite 3.35+ and PostgreSQL drop a column in place.
    op.drop_column("prescription_renewals", "audio_mime")
    op.drop_column("prescription_renewals", "audio_key")
