"""Settings for CoP, read from the environment so one build runs anywhere."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("COP_INSTANCE_DIR", BASE_DIR / "instance"))

DEFAULT_SECRET_KEY = "dev-only-change-me"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'cop.sqlite'}")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Development defaults; every setting can come from the environment."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    COP_INDEX_DIR = os.environ.get("COP_INDEX_DIR", str(INSTANCE_DIR / "index"))
    # How this node's index is named in the database (for `flask search prune`); host name and folder by default.
    COP_SEARCH_NODE = os.environ.get("COP_SEARCH_NODE", "")
    # An index further behind the change log than this many entries is rebuilt rather than replayed (a count,
    # not a rate limit: the *_LIMIT settings are those).
    COP_SEARCH_REPLAY_ENTRIES = int(os.environ.get("COP_SEARCH_REPLAY_ENTRIES", "20000"))
    # `flask search prune` drops change-log entries every index has applied, and any older than this.
    COP_SEARCH_LOG_DAYS = int(os.environ.get("COP_SEARCH_LOG_DAYS", "30"))
    COP_UPLOAD_DIR = os.environ.get("COP_UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # Empty: attachments live in COP_UPLOAD_DIR. Several nodes share a bucket instead (see cop/storage.py):
    # s3://bucket/prefix?endpoint=https://s3.example.net&region=eu-west-1
    COP_STORAGE_URL = os.environ.get("COP_STORAGE_URL", "")
    COP_COMMUNITY_NAME = os.environ.get("COP_COMMUNITY_NAME", "Northbridge Work-Based Learning Community")
    COP_DEFAULT_TIMEZONE = os.environ.get("COP_DEFAULT_TIMEZONE", "America/Chicago")
    COP_INVITATION_DAYS = int(os.environ.get("COP_INVITATION_DAYS", "14"))
    COP_RESET_TOKEN_SECONDS = int(os.environ.get("COP_RESET_TOKEN_SECONDS", "3600"))
    # How long the e-mailed link to a data export works (once).
    COP_EXPORT_HOURS = int(os.environ.get("COP_EXPORT_HOURS", "48"))
    # Asking for exports, per member: each builds a ZIP of everything they made.
    COP_EXPORT_LIMIT = os.environ.get("COP_EXPORT_LIMIT", "5 per hour;20 per day")
    # Company sign-in (OpenID Connect): seconds to wait for a provider, and for a person to come back from it.
    COP_SSO_TIMEOUT = float(os.environ.get("COP_SSO_TIMEOUT", "5"))
    COP_SSO_ATTEMPT_SECONDS = int(os.environ.get("COP_SSO_ATTEMPT_SECONDS", "600"))
    # Providers are reached over https only; a provider on this machine for trying things out may use http.
    COP_SSO_ALLOW_HTTP = _bool("COP_SSO_ALLOW_HTTP")
    # Werkzeug's default (scrypt) in real deployments; tests use a cheaper method.
    COP_PASSWORD_METHOD = os.environ.get("COP_PASSWORD_METHOD", "scrypt")

    # Mail: "file" writes .eml files under MAIL_DIR; "smtp" sends through MAIL_SERVER.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_DIR = os.environ.get("MAIL_DIR", str(INSTANCE_DIR / "mail"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "CoP <no-reply@cop.example>")
    # Every link in e-mails, calendar files and feeds starts with this address, never with the request's host.
    COP_BASE_URL = os.environ.get("COP_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")
    # Other host names this site answers for in production (comma-separated), besides COP_BASE_URL's.
    COP_TRUSTED_HOSTS = [host.strip() for host in os.environ.get("COP_TRUSTED_HOSTS", "").split(",") if host.strip()]
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "6"))
    # Reply by e-mail: notification e-mails about thread replies and private messages carry a Reply-To at
    # this domain (its mail server pipes messages to `flask mail receive`). Unset: no Reply-To, web only.
    COP_REPLY_DOMAIN = os.environ.get("COP_REPLY_DOMAIN") or None
    # Or the reply domain's mail lands in a mailbox that `flask mail poll` reads over IMAP:
    # imaps://user:password@host/INBOX (see cop/inbound/mailbox.py). Holds a password: never logged.
    COP_INBOUND_IMAP_URL = os.environ.get("COP_INBOUND_IMAP_URL") or None

    # Flask-Limiter: memory per process by default; point at Redis so limits hold across workers.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "cop")
    RATELIMIT_HEADERS_ENABLED = True
    COP_SIGNIN_LIMIT = os.environ.get("COP_SIGNIN_LIMIT", "10 per minute;50 per hour")
    COP_RESET_LIMIT = os.environ.get("COP_RESET_LIMIT", "5 per minute;20 per hour")
    # Failed sign-ins per account (the e-mail address typed), whichever addresses they come from.
    COP_SIGNIN_ACCOUNT_LIMIT = os.environ.get("COP_SIGNIN_ACCOUNT_LIMIT", "5 per minute;20 per hour")
    # Posting (threads, replies, edits, flags) per member.
    COP_POST_LIMIT = os.environ.get("COP_POST_LIMIT", "6 per minute;60 per hour")
    # Reads that cost us: each per member (signed in, or a private feed's owner) and per client address.
    COP_SEARCH_LIMIT = os.environ.get("COP_SEARCH_LIMIT", "30 per minute;600 per hour")
    COP_SEARCH_ADDRESS_LIMIT = os.environ.get("COP_SEARCH_ADDRESS_LIMIT", "120 per minute;3000 per hour")
    COP_SUGGEST_LIMIT = os.environ.get("COP_SUGGEST_LIMIT", "120 per minute;2000 per hour")
    COP_SUGGEST_ADDRESS_LIMIT = os.environ.get("COP_SUGGEST_ADDRESS_LIMIT", "600 per minute")
    COP_FEED_LIMIT = os.environ.get("COP_FEED_LIMIT", "20 per minute;300 per hour")
    COP_FEED_ADDRESS_LIMIT = os.environ.get("COP_FEED_ADDRESS_LIMIT", "120 per minute;3000 per hour")
    # The JSON API, per personal API token.
    COP_API_TOKEN_LIMIT = os.environ.get("COP_API_TOKEN_LIMIT", "120 per minute;3000 per hour")

    # Webhooks: seconds to wait for a receiver; attempts per delivery (retried after RETRY_SECONDS, doubling each
    # time); an endpoint is switched off after DISABLE_AFTER failed attempts in a row, and its owner told.
    COP_WEBHOOK_TIMEOUT = float(os.environ.get("COP_WEBHOOK_TIMEOUT", "5"))
    COP_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("COP_WEBHOOK_MAX_ATTEMPTS", "8"))
    COP_WEBHOOK_RETRY_SECONDS = int(os.environ.get("COP_WEBHOOK_RETRY_SECONDS", "60"))
    COP_WEBHOOK_DISABLE_AFTER = int(os.environ.get("COP_WEBHOOK_DISABLE_AFTER", "20"))
    # Webhooks go only to https:// addresses on the public internet; this allows http:// and private and local
    # addresses (a receiver on this machine for trying things out, the test suite's receiver).
    COP_WEBHOOKS_ALLOW_PRIVATE = _bool("COP_WEBHOOKS_ALLOW_PRIVATE")

    # What members searched for (the words and the result count, never who) is kept this many days.
    COP_SEARCH_QUERY_DAYS = int(os.environ.get("COP_SEARCH_QUERY_DAYS", "180"))

    COP_ATTACHMENT_MAX_BYTES = int(os.environ.get("COP_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
    # Rendered fragments of busy pages, per worker process (see cop/cache).
    COP_FRAGMENT_CACHE = os.environ.get("COP_FRAGMENT_CACHE", "1") != "0"
    COP_FRAGMENT_CACHE_BYTES = int(os.environ.get("COP_FRAGMENT_CACHE_BYTES", str(64 * 1024 * 1024)))
    # Practice view counts are written in batches, at most this often per worker.
    COP_VIEW_FLUSH_SECONDS = float(os.environ.get("COP_VIEW_FLUSH_SECONDS", "2"))
    # How many proxies (nginx, a load balancer) stand in front and set X-Forwarded-For/-Proto; 0 trusts none.
    COP_PROXIES = int(os.environ.get("COP_PROXIES", "0"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024)))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; no expiry surprises mid-form


class ProductionConfig(Config):
    """Secure cookies, only the site's own hosts, and no weak secret or debugger: create_app refuses
    to start with a SECRET_KEY under 32 bytes or with DEBUG on (see cop/security.py)."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # The __Host- prefix makes browsers keep these cookies only when Secure, for Path=/ and no Domain,
    # so no other host (a sibling subdomain, a plain-http page) can set or replace them.
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")


class TestConfig(Config):
    """Used by the test suite; the fixtures override paths per test."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    COP_PASSWORD_METHOD = "pbkdf2:sha256:1000"
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_BACKEND = "file"
    # Not the test client's host (localhost), so a link built from the request would show.
    COP_BASE_URL = "https://cop.example"
    COP_VIEW_FLUSH_SECONDS = 0.0  # every counted view is written once its response closes
    COP_SSO_ALLOW_HTTP = True  # the test identity provider serves http on 127.0.0.1
    COP_WEBHOOKS_ALLOW_PRIVATE = True  # so does the test webhook receiver


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestConfig}


def config_from_env() -> type[Config]:
    """The configuration class named by COP_ENV (development by default)."""
    return CONFIGS.get(os.environ.get("COP_ENV", "development"), Config)
