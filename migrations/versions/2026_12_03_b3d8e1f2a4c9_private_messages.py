"""Private messages: conversations, their members (read marks, muting, leaving), messages, blocks between
members and reports of a message to the facilitators.

Revision ID: b3d8e1f2a4c9
Revises: 9c1f3e5a7b20
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d8e1f2a4c9'
down_revision = '9c1f3e5a7b20'
branch_labels = None
depends_on = None


def _when(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        'conversations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('started_by_id', sa.Integer(), nullable=False),
        _when('created_at'), _when('last_message_at'),
        sa.Column('last_message_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_conversations_started_by_id_users')),
        sa.ForeignKeyConstraint(['last_message_by_id'], ['users.id'],
                                name=op.f('fk_conversations_last_message_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    )
    op.create_table(
        'conversation_members',
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        _when('joined_at'), _when('left_at', True), _when('last_read_at', True),
        sa.Column('muted', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE',
                                name=op.f('fk_conversation_members_conversation_id_conversations')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_conversation_members_user_id_users')),
        sa.PrimaryKeyConstraint('conversation_id', 'user_id', name=op.f('pk_conversation_members')),
    )
    op.create_index('ix_conversation_members_user', 'conversation_members', ['user_id', 'left_at'], unique=False)
    op.create_table(
        'messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        _when('created_at'),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE',
                                name=op.f('fk_messages_conversation_id_conversations')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_messages_author_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    )
    op.create_index(op.f('ix_messages_conversation_id'), 'messages', ['conversation_id'], unique=False)
    op.create_table(
        'message_blocks',
        sa.Column('blocker_id', sa.Integer(), nullable=False),
        sa.Column('blocked_id', sa.Integer(), nullable=False),
        _when('created_at'),
        sa.ForeignKeyConstraint(['blocker_id'], ['users.id'], name=op.f('fk_message_blocks_blocker_id_users')),
        sa.ForeignKeyConstraint(['blocked_id'], ['users.id'], name=op.f('fk_message_blocks_blocked_id_users')),
        sa.PrimaryKeyConstraint('blocker_id', 'blocked_id', name=op.f('pk_message_blocks')),
    )
    op.create_table(
        'message_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        _when('created_at'), _when('resolved_at', True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ondelete='CASCADE',
                                name=op.f('fk_message_reports_message_id_messages')),
        sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_message_reports_reporter_id_users')),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'],
                                name=op.f('fk_message_reports_resolved_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_reports')),
    )
    op.create_index(op.f('ix_message_reports_message_id'), 'message_reports', ['message_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_message_reports_message_id'), table_name='message_reports')
    op.drop_table('message_reports')
    op.drop_table('message_blocks')
    op.drop_index(op.f('ix_messages_conversation_id'), table_name='messages')
    op.drop_table('messages')
    op.drop_index('ix_conversation_members_user', table_name='conversation_members')
    op.drop_table('conversation_members')
    op.drop_table('conversations')
