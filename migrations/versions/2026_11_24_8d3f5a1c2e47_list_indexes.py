"""Indexes that match how lists are filtered and ordered: the library's published practices by newest, most
helpful, most discussed and per organization; a topic's and a competency's practices; threads by latest
activity, newest, category, unanswered questions and author; upcoming events; the members directory; a
member's notifications. Partial where the filter is fixed (not deleted; not hidden or merged).

Revision ID: 8d3f5a1c2e47
Revises: 5b1e0c7d9a21
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d3f5a1c2e47'
down_revision = '5b1e0c7d9a21'
branch_labels = None
depends_on = None

NOT_DELETED = "deleted_at IS NULL"
LISTED = "hidden_at IS NULL AND merged_into_id IS NULL"
UNANSWERED = "hidden_at IS NULL AND merged_into_id IS NULL AND answered_at IS NULL"

# table -> [(index, columns, partial condition or None)]
NEW = {
    'practices': [
        ('ix_practices_newest', ['status', 'published_at', 'id'], NOT_DELETED),
        ('ix_practices_most_helpful', ['status', 'helpful_count', 'published_at', 'id'], NOT_DELETED),
        ('ix_practices_most_discussed', ['status', 'discussion_count', 'published_at', 'id'], NOT_DELETED),
        ('ix_practices_organization_newest', ['organization_id', 'status', 'published_at', 'id'], NOT_DELETED),
    ],
    'practice_topics': [('ix_practice_topics_topic', ['topic_id', 'practice_id'], None)],
    'practice_competencies': [('ix_practice_competencies_competency', ['competency_id', 'practice_id'], None)],
    'threads': [
        ('ix_threads_latest', ['is_pinned', 'last_activity_at', 'id'], LISTED),
        ('ix_threads_newest', ['created_at', 'id'], LISTED),
        ('ix_threads_category_latest', ['category_id', 'is_pinned', 'last_activity_at', 'id'], LISTED),
        ('ix_threads_category_newest', ['category_id', 'created_at', 'id'], LISTED),
        ('ix_threads_unanswered', ['kind', 'created_at', 'id'], UNANSWERED),
        ('ix_threads_author_latest', ['author_id', 'last_activity_at', 'id'], LISTED),
    ],
    'events': [('ix_events_ending', ['ends_at', 'starts_at'], None)],
    'users': [('ix_users_directory', ['status', 'name'], None)],
    'notifications': [('ix_notifications_user_newest', ['user_id', 'created_at', 'id'], None)],
}

# The indexes these replace: table -> [(index, columns)]
OLD = {
    'practices': [('ix_practices_listing', ['status', 'deleted_at', 'published_at'])],
    'practice_topics': [('ix_practice_topics_topic_id', ['topic_id'])],
    'practice_competencies': [('ix_practice_competencies_competency_id', ['competency_id'])],
    'threads': [
        ('ix_threads_listing', ['hidden_at', 'merged_into_id', 'is_pinned', 'last_activity_at']),
        ('ix_threads_newest', ['hidden_at', 'merged_into_id', 'created_at']),
    ],
    'users': [('ix_users_status', ['status'])],
}


def _where(condition):
    if condition is None:
        return {}
    return {'postgresql_where': sa.text(condition), 'sqlite_where': sa.text(condition)}


def upgrade():
    for table in NEW:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in OLD.get(table, []):
                batch_op.drop_index(name)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns, condition in NEW[table]:
                batch_op.create_index(name, columns, unique=False, **_where(condition))


def downgrade():
    for table in NEW:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _, _ in NEW[table]:
                batch_op.drop_index(name)
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in OLD.get(table, []):
                batch_op.create_index(name, columns, unique=False)
