"""Messages written as answers to notification e-mails are marked so, for the conversation page and the export.

Revision ID: e4b9d2a7c6f1
Revises: c7e2a9d4f318
Create Date: 2026-12-03 13:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b9d2a7c6f1'
down_revision = 'c7e2a9d4f318'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('by_email', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('by_email')
