"""Payments for herb orders and online visit fees through a provider (counter, sandbox, gateway);
never deleted (a refund is a status), one standing paid payment per thing paid for.

Revision ID: 0008_payments
Revises: 0007_treatments
"""
from alembic import op
import sqlalchemy as sa
from protection import create_protection_triggers, drop_protection_triggers

NEVER_DELETED = ("payments",)
APPEND_ONLY = ()


# revision identifiers, used by Alembic.
revision = '0008_payments'
down_revision = '0007_treatments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('provider', sa.String(length=24), nullable=False),
    sa.Column('reference', sa.String(length=48), nullable=False),
    sa.Column('provider_reference', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refund_reference', sa.String(length=64), nullable=True),
    sa.Column('refund_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_payments_patient_id_patients')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_payments_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('reference', name=op.f('uq_payments_reference'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_status'), ['status'], unique=False)
        batch_op.create_index('ix_payments_subject', ['purpose', 'subject_id'], unique=False)
        batch_op.create_index('uq_payments_paid_subject', ['purpose', 'subject_id'], unique=True,
                              sqlite_where=sa.text("status = 'paid'"),
                              postgresql_where=sa.text("status = 'paid'"))
    create_protection_triggers(APPEND_ONLY, NEVER_DELETED)


def downgrade():
    drop_protection_triggers(APPEND_ONLY, NEVER_DELETED)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('uq_payments_paid_subject')
        batch_op.drop_index('ix_payments_subject')
        batch_op.drop_index(batch_op.f('ix_payments_status'))
        batch_op.drop_index(batch_op.f('ix_payments_patient_id'))
    op.drop_table('payments')
