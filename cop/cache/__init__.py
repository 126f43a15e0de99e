"""Rendered-page caching: a content version that every committed change moves on, and a per-process store
of rendered fragments keyed by it, so popular pages are rendered once per change instead of once per view."""


def init_app(app):
    from cop.cache import fragments, versions
    from cop.extensions import db

    with app.app_context():
        versions.watch(db.engine)
    fragments.init_app(app)
