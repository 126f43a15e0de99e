"""CoP: the private home of an employer community of practice on work-based learning."""

from pathlib import Path

from flask import Flask

from config import Config, config_from_env

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    """Build the app: settings, extensions, cross-cutting concerns, then one blueprint per feature."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class or config_from_env())
    app.config.update(overrides)
    # Logged SQL errors never carry their bound parameters (password hashes, session tokens, posts).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
                                               "hide_parameters": True}
    from cop import afterwards, cli, errors, forms, links, mail, security, storage, text

    if app.config["ENV_NAME"] == "production":
        security.configure_production(app)

    _ensure_local_folders(app)
    if app.config["COP_PROXIES"]:
        # Behind nginx: the client's address and scheme come from the proxies' X-Forwarded-For and -Proto,
        # trusting exactly COP_PROXIES of them (so per-address limits see clients, not the proxy).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["COP_PROXIES"], x_proto=app.config["COP_PROXIES"])
    app.url_map.converters["int"] = forms.DatabaseIntConverter

    from cop.extensions import configure_sqlite, csrf, db, init_limiter, login_manager, migrate, release_hot_connection
    from cop.sessions import VerifiedCookieSessionInterface

    app.session_interface = VerifiedCookieSessionInterface()
    db.init_app(app)
    app.teardown_appcontext(release_hot_connection)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    from cop import cache

    cache.init_app(app)
    csrf.init_app(app)
    init_limiter(app)
    login_manager.init_app(app)
    security.init_app(app)
    forms.init_app(app)
    mail.init_app(app)
    afterwards.init_app(app)
    storage.init_app(app)
    links.init_app(app)
    text.init_app(app)
    cli.init_app(app)

    from cop import (api, auth, competencies, dashboard, discussions, events, health, home, inbound, members, messages,
                     notifications, orgs, practices, privacy, programs, reports, search, sso, webhooks)

    app.register_blueprint(home.bp)
    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(members.bp, url_prefix="/members")
    app.register_blueprint(orgs.bp, url_prefix="/orgs")
    app.register_blueprint(practices.bp, url_prefix="/practices")
    app.register_blueprint(competencies.bp, url_prefix="/competencies")
    app.register_blueprint(notifications.bp, url_prefix="/notifications")
    app.register_blueprint(discussions.bp, url_prefix="/discussions")
    app.register_blueprint(events.bp, url_prefix="/events")
    app.register_blueprint(programs.bp, url_prefix="/programs")
    app.register_blueprint(search.bp, url_prefix="/search")
    app.register_blueprint(messages.bp, url_prefix="/messages")
    app.register_blueprint(health.bp, url_prefix="/healthz")
    app.register_blueprint(privacy.bp, url_prefix="/privacy")
    app.register_blueprint(sso.bp, url_prefix="/sso")
    app.register_blueprint(dashboard.bp, url_prefix="/dashboard")
    app.register_blueprint(reports.bp, url_prefix="/reports")
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_blueprint(webhooks.bp, url_prefix="/webhooks")
    auth.init_app(app)
    practices.init_app(app)
    discussions.init_app(app)
    notifications.init_app(app)
    events.init_app(app)
    programs.init_app(app)
    search.init_app(app)
    messages.init_app(app)
    inbound.init_app(app)
    privacy.init_app(app)
    sso.init_app(app)
    dashboard.init_app(app)
    reports.init_app(app)
    api.init_app(app)
    webhooks.init_app(app)
    # Last, so the site's error handlers are the ones registered (flask-smorest's Api registers its own for
    # every HTTPException); the API's errors are still problem details, through errors.RESPONDERS.
    errors.init_app(app)
    return app


def _ensure_local_folders(app: Flask) -> None:
    """The embedded defaults (SQLite file, mail and upload folders) live under instance/; make them exist."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:///:memory:"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    for key in ("MAIL_DIR", "COP_UPLOAD_DIR"):
        Path(app.config[key]).mkdir(parents=True, exist_ok=True)
