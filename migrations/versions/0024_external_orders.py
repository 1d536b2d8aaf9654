"""Herb orders from approved outside prescriptions (外院处方, issue 20): an order's source is the
hospital's prescription or an external_submissions record, exactly one of them (check
constraint), each with its own one-live-order partial unique index.

On SQLite the batch rebuild of decoction_orders drops its triggers (never deleted), so they are
dropped first and made again after; the partial unique index on prescription_id is dropped before
the rebuild and made again after it too, so its WHERE clause survives on both databases. The
SQLite rebuild runs with its foreign keys checked at the end (migrations/env.py): stage events and
notifications refer to the orders. A downgrade with orders from outside prescriptions is refused (prescription_id NOT NULL).

Revision ID: 0024_external_orders
Revises: 0023_home_visits
Create Date: 2026-12-04 21:34:37.767100

"""
from alembic import op
import sqlalchemy as sa
from protection import create_protection_triggers, drop_protection_triggers

NEVER_DELETED = ("decoction_orders",)
LIVE = sa.text("status NOT IN ('expired', 'cancelled')")
ONE_SOURCE = (
    "(prescription_id IS NOT NULL AND external_submission_id IS NULL) OR "
    "(prescription_id IS NULL AND external_submission_id IS NOT NULL)"
)


# revision identifiers, used by Alembic.
revision = '0024_external_orders'
down_revision = '0023_home_visits'
branch_labels = None
depends_on = None


def upgrade():
    drop_protection_triggers((), NEVER_DELETED)
    op.drop_index('uq_decoction_orders_live_prescription', table_name='decoction_orders')
    with op.batch_alter_table('decoction_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_submission_id', sa.Integer(), nullable=True))
        batch_op.alter_column('prescription_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_decoction_orders_external_submission_id_external_submissions'), 'external_submissions', ['external_submission_id'], ['id'])
        batch_op.create_check_constraint('one_source', ONE_SOURCE)
    op.create_index('uq_decoction_orders_live_prescription', 'decoction_orders', ['prescription_id'], unique=True, sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index('uq_decoction_orders_live_external_submission', 'decoction_orders', ['external_submission_id'], unique=True, sqlite_where=LIVE, postgresql_where=LIVE)
    create_protection_triggers((), NEVER_DELETED)


def downgrade():
    drop_protection_triggers((), NEVER_DELETED)
    op.drop_index('uq_decoction_orders_live_external_submission', table_name='decoction_orders')
    op.drop_index('uq_decoction_orders_live_prescription', table_name='decoction_orders')
    with op.batch_alter_table('decoction_orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_decoction_orders_one_source'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_decoction_orders_external_submission_id_external_submissions'), type_='foreignkey')
        batch_op.alter_column('prescription_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('external_submission_id')
    op.create_index('uq_decoction_orders_live_prescription', 'decoction_orders', ['prescription_id'], unique=True, sqlite_where=LIVE, postgresql_where=LIVE)
    create_protection_triggers((), NEVER_DELETED)
