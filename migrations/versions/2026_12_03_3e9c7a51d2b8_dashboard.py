"""The facilitator's dashboard: the days each member used the site, and what members searched for
(the text and the number of results, never who).

Revision ID: 3e9c7a51d2b8
Revises: 8d3f5a1c2e47
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e9c7a51d2b8'
down_revision = '8d3f5a1c2e47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'member_visits',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_visits_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_member_visits')),
    )
    with op.batch_alter_table('member_visits', schema=None) as batch_op:
        batch_op.create_index('ix_member_visits_day', ['day', 'user_id'], unique=False)

    op.create_table(
        'search_queries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=200), nullable=False),
        sa.Column('result_count', sa.Integer(), nullable=False),
        sa.Column('searched_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_queries')),
    )
    with op.batch_alter_table('search_queries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_queries_searched_at'), ['searched_at'], unique=False)


def downgrade():
    with op.batch_alter_table('search_queries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_queries_searched_at'))
    op.drop_table('search_queries')
    with op.batch_alter_table('member_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_member_visits_day')
    op.drop_table('member_visits')
