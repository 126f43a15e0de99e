"""Files in private messages, the post a conversation was started from, the record of e-mails taken in (so none is posted twice), and an index for
"who blocked me".

Revision ID: c7e2a9d4f318
Revises: 5d2e8a7c4b10
Create Date: 2026-12-03 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7e2a9d4f318'
down_revision = '5d2e8a7c4b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('about_title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('about_path', sa.String(length=200), nullable=True))
    op.create_table(
        'message_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('content_type', sa.String(length=120), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ondelete='CASCADE',
                                name=op.f('fk_message_attachments_message_id_messages')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_attachments')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_message_attachments_stored_name')),
    )
    op.create_index(op.f('ix_message_attachments_message_id'), 'message_attachments', ['message_id'], unique=False)
    op.create_table(
        'inbound_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_messages')),
        sa.UniqueConstraint('key', name=op.f('uq_inbound_messages_key')),
    )
    op.create_index(op.f('ix_message_blocks_blocked_id'), 'message_blocks', ['blocked_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_message_blocks_blocked_id'), table_name='message_blocks')
    op.drop_table('inbound_messages')
    op.drop_index(op.f('ix_message_attachments_message_id'), table_name='message_attachments')
    op.drop_table('message_attachments')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('about_path')
        batch_op.drop_column('about_title')
