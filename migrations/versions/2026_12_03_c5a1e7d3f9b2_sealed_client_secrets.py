"""Identity providers' client secrets sealed at rest (cop.sealing, with a key derived from SECRET_KEY): the
column grows to hold the sealed form, and secrets saved in clear before are sealed.

Revision ID: c5a1e7d3f9b2
Revises: 6d2e8f4a1b93
Create Date: 2026-12-03 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = 'c5a1e7d3f9b2'
down_revision = '6d2e8f4a1b93'
branch_labels = None
depends_on = None

PREFIX = "sealed:v1:"


def upgrade():
    with op.batch_alter_table('identity_providers', schema=None) as batch_op:
        batch_op.alter_column('client_secret', existing_type=sa.String(length=500), type_=sa.String(length=1000),
                              existing_nullable=False)
    from cop import sealing

    connection = op.get_bind()
    providers = sa.table("identity_providers", sa.column("id", sa.Integer), sa.column("client_secret", sa.String))
    key = current_app.config["SECRET_KEY"]
    for provider_id, secret in connection.execute(sa.select(providers.c.id, providers.c.client_secret)).all():
        if not secret.startswith(PREFIX):
            connection.execute(providers.update().where(providers.c.id == provider_id)
                               .values(client_secret=sealing.seal(secret, key)))


def downgrade():
    from cop import sealing

    connection = op.get_bind()
    providers = sa.table("identity_providers", sa.column("id", sa.Integer), sa.column("client_secret", sa.String))
    key = current_app.config["SECRET_KEY"]
    for provider_id, secret in connection.execute(sa.select(providers.c.id, providers.c.client_secret)).all():
        if secret.startswith(PREFIX):
            connection.execute(providers.update().where(providers.c.id == provider_id)
                               .values(client_secret=sealing.unseal(secret, key)))
    with op.batch_alter_table('identity_providers', schema=None) as batch_op:
        batch_op.alter_column('client_secret', existing_type=sa.String(length=1000), type_=sa.String(length=500),
                              existing_nullable=False)
