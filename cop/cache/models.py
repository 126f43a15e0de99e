"""The content version: one row whose value moves on with every commit that changes what pages show."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import db


class ContentVersion(db.Model):
    __tablename__ = "content_version"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    value: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0, server_default="0")
