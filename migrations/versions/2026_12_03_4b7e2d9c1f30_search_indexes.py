"""Each node's search index and how far into the change log it has applied everything, so pruning the log
keeps what a node that is behind still needs.

Revision ID: 4b7e2d9c1f30
Revises: b3d8e1f2a4c9
Create Date: 2026-12-03 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b7e2d9c1f30'
down_revision = 'b3d8e1f2a4c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_indexes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_indexes')),
    sa.UniqueConstraint('name', name=op.f('uq_search_indexes_name'))
    )


def downgrade():
    op.drop_table('search_indexes')
