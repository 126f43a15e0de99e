"""Repeating events: a series holds the rule (an iCalendar RRULE) and each of its dates is an event tied to
it, with the start the rule gave it (RECURRENCE-ID).

Revision ID: 9c1f3e5a7b20
Revises: 4b7e9c2d1a60
Create Date: 2026-12-03 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c1f3e5a7b20'
down_revision = '4b7e9c2d1a60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_series',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uid', sa.String(length=80), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=200), nullable=False),
        sa.Column('first_starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_series')),
        sa.UniqueConstraint('uid', name=op.f('uq_event_series_uid')),
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recurrence_id', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_events_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_events_series_id_event_series'), 'event_series',
                                    ['series_id'], ['id'])


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_series_id_event_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_events_series_id'))
        batch_op.drop_column('recurrence_id')
        batch_op.drop_column('series_id')
    op.drop_table('event_series')
