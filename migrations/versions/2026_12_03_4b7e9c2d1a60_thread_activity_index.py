"""Threads by latest activity with pinned ones not first (home's "Latest discussions"), partial like the
other thread lists (not hidden or merged).

Revision ID: 4b7e9c2d1a60
Revises: 8d3f5a1c2e47
Create Date: 2026-12-03 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b7e9c2d1a60'
down_revision = '8d3f5a1c2e47'
branch_labels = None
depends_on = None

LISTED = "hidden_at IS NULL AND merged_into_id IS NULL"


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_index('ix_threads_activity', ['last_activity_at', 'id'], unique=False,
                              postgresql_where=sa.text(LISTED), sqlite_where=sa.text(LISTED))


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_activity')
