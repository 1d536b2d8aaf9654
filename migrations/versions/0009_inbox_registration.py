"""One inbox per user (never deleted; the herb-order messages kept so far are copied in, unread),
consents given at registration (append-only) and phone verification codes (hashed).

Revision ID: 0009_inbox_registration
Revises: 0007_treatments
"""
from alembic import op
import sqlalchemy as sa
from protection import create_protection_triggers, drop_protection_triggers

NEVER_DELETED = ("inbox_messages",)
APPEND_ONLY = ("consents",)


# revision identifiers, used by Alembic.
revision = '0009_inbox_registration'
down_revision = '0008_payments'
branch_labels = None
depends_on = None

COPY_ORDER_MESSAGES = """
INSERT INTO inbox_messages
    (user_id, patient_id, kind, text, link, subject_type, subject_id, delivery, created_at)
SELECT n.user_id, p.patient_id, 'order.' || n.kind, n.message,
       '/decoction/orders/' || CAST(n.order_id AS VARCHAR(12)), 'order', n.order_id, n.delivery,
       n.created_at
FROM decoction_order_notifications n
JOIN decoction_orders o ON o.id = n.order_id
JOIN prescriptions p ON p.id = o.prescription_id
ORDER BY n.id
"""


def upgrade():
    op.create_table('inbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=255), nullable=True),
    sa.Column('subject_type', sa.String(length=32), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('delivery', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_inbox_messages_patient_id_patients')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_inbox_messages_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_messages'))
    )
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_messages_user_unread', ['user_id', 'read_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_messages_user_id'), ['user_id'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consents_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_user_id'), ['user_id'], unique=False)

    op.create_table('phone_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone_digest', sa.String(length=64), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_codes'))
    )
    with op.batch_alter_table('phone_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phone_codes_phone_digest'), ['phone_digest'], unique=False)

    op.execute(COPY_ORDER_MESSAGES)
    create_protection_triggers(APPEND_ONLY, NEVER_DELETED)


def downgrade():
    drop_protection_triggers(APPEND_ONLY, NEVER_DELETED)
    with op.batch_alter_table('phone_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phone_codes_phone_digest'))
    op.drop_table('phone_codes')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_user_id'))
    op.drop_table('consents')
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_messages_user_id'))
        batch_op.drop_index('ix_inbox_messages_user_unread')
    op.drop_table('inbox_messages')
