"""The facilitator's dashboard: the days each member used the site (filled for the time before from what
members wrote, RSVPed and marked helpful), what members searched for (the text and the number of results,
never who), and indexes that read a period's replies, helpful marks and read marks in time order.

Revision ID: 3e9c7a51d2b8
Revises: 9a7c3e5b1d42
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e9c7a51d2b8'
down_revision = '9a7c3e5b1d42'
branch_labels = None
depends_on = None


READABLE = "deleted_at IS NULL AND hidden_at IS NULL"
# (table, user column, time column): what members did before their days on site were recorded.
HISTORY = [("practices", "author_id", "created_at"), ("threads", "author_id", "created_at"),
           ("replies", "author_id", "created_at"), ("event_rsvps", "user_id", "created_at"),
           ("helpful_marks", "user_id", "created_at"), ("reply_helpful_marks", "user_id", "created_at")]


def _fill_visits_from_history():
    """Facilitators aside, each member's days from what they did, with their organization."""
    day = ("date({})" if op.get_bind().dialect.name == "sqlite" else "CAST({} AT TIME ZONE 'UTC' AS DATE)")
    days = " UNION ".join(f"SELECT {user} AS user_id, {day.format(at)} AS day FROM {table}"
                          for table, user, at in HISTORY)
    op.execute("INSERT INTO member_visits (user_id, day, organization_id) "
               f"SELECT d.user_id, d.day, u.organization_id FROM ({days}) AS d "
               "JOIN users u ON u.id = d.user_id WHERE u.role != 'facilitator'")


def upgrade():
    op.create_table(
        'member_visits',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_visits_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_member_visits_organization_id_organizations'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_member_visits')),
    )
    with op.batch_alter_table('member_visits', schema=None) as batch_op:
        batch_op.create_index('ix_member_visits_day', ['day', 'user_id', 'organization_id'], unique=False)

    op.create_table(
        'search_queries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=200), nullable=False),
        sa.Column('result_count', sa.Integer(), nullable=False),
        sa.Column('searched_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_queries')),
    )
    with op.batch_alter_table('search_queries', schema=None) as batch_op:
        batch_op.create_index('ix_search_queries_searched', ['searched_at', 'text', 'result_count'], unique=False)

    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.create_index('ix_replies_readable_created', ['created_at', 'thread_id'], unique=False,
                              sqlite_where=sa.text(READABLE), postgresql_where=sa.text(READABLE))
    with op.batch_alter_table('helpful_marks', schema=None) as batch_op:
        batch_op.create_index('ix_helpful_marks_created', ['created_at', 'practice_id'], unique=False)
    with op.batch_alter_table('reply_helpful_marks', schema=None) as batch_op:
        batch_op.create_index('ix_reply_helpful_marks_created', ['created_at', 'reply_id'], unique=False)
    with op.batch_alter_table('thread_reads', schema=None) as batch_op:
        batch_op.create_index('ix_thread_reads_read', ['read_at', 'thread_id'], unique=False)
    _fill_visits_from_history()


def downgrade():
    for table, index in [('thread_reads', 'ix_thread_reads_read'), ('reply_helpful_marks', 'ix_reply_helpful_marks_created'),
                         ('helpful_marks', 'ix_helpful_marks_created'), ('replies', 'ix_replies_readable_created')]:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
    with op.batch_alter_table('search_queries', schema=None) as batch_op:
        batch_op.drop_index('ix_search_queries_searched')
    op.drop_table('search_queries')
    with op.batch_alter_table('member_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_member_visits_day')
    op.drop_table('member_visits')
