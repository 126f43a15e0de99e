"""An organization that left the community is kept as a name behind its kept posts and past events, marked
with the time a facilitator removed it, and listed nowhere.

Revision ID: 6d2e8f4a1b93
Revises: 3e9c7a51d2b8
Create Date: 2026-12-03 12:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6d2e8f4a1b93'
down_revision = '3e9c7a51d2b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
