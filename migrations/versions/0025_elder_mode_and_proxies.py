"""Elderly mode and family proxies (长辈模式与家人代办, issue 22): users.elder_mode, the patient's
own setting; family_proxies, an elder's consent that a family member's patient account acts for
them (who, relation, when granted, when revoked), never deleted, one live consent per pair.

Revision ID: 0025_elder_mode_and_proxies
Revises: 0024_external_orders
Create Date: 2026-12-05 06:50:00.000000

"""
from alembic import op
import sqlalchemy as sa
from protection import create_protection_triggers, drop_protection_triggers

NEVER_DELETED = ("family_proxies",)
LIVE = sa.text("revoked_at IS NULL")


# revision identifiers, used by Alembic.
revision = '0025_elder_mode_and_proxies'
down_revision = '0024_external_orders'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: no need to rebuild the users table.
    op.add_column('users', sa.Column('elder_mode', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('family_proxies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('elder_id', sa.Integer(), nullable=False),
    sa.Column('proxy_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=24), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['elder_id'], ['patients.id'], name=op.f('fk_family_proxies_elder_id_patients')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_family_proxies_granted_by_id_users')),
    sa.ForeignKeyConstraint(['proxy_id'], ['patients.id'], name=op.f('fk_family_proxies_proxy_id_patients')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_family_proxies_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_proxies'))
    )
    op.create_index(op.f('ix_family_proxies_elder_id'), 'family_proxies', ['elder_id'], unique=False)
    op.create_index(op.f('ix_family_proxies_proxy_id'), 'family_proxies', ['proxy_id'], unique=False)
    op.create_index('uq_family_proxies_live_pair', 'family_proxies', ['elder_id', 'proxy_id'], unique=True, sqlite_where=LIVE, postgresql_where=LIVE)
    create_protection_triggers((), NEVER_DELETED)


def downgrade():
    drop_protection_triggers((), NEVER_DELETED)
    op.drop_index('uq_family_proxies_live_pair', table_name='family_proxies')
    op.drop_index(op.f('ix_family_proxies_proxy_id'), table_name='family_proxies')
    op.drop_index(op.f('ix_family_proxies_elder_id'), table_name='family_proxies')
    op.drop_table('family_proxies')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('elder_mode')
