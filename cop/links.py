"""Absolute links for what leaves the site (e-mails, calendar files, feeds), built from COP_BASE_URL.

Never from the request: its Host header is whatever the sender typed, so a password-reset request
sent with `Host: evil.example` would otherwise mail a member a link to someone else's server. One
place builds these links, for requests, cron jobs and CLI commands alike.
"""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """The full address of a page (`url_for` arguments), on the site's configured address."""
    base = urlsplit(current_app.config["COP_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    anchor = values.pop("_anchor", None)
    current_app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def absolute_url(path: str) -> str:
    """A site path (as stored with a notification) as a full address on the configured site."""
    return current_app.config["COP_BASE_URL"].rstrip("/") + path


def init_app(app) -> None:
    # Feeds and the pages that show a feed's address build their links with it too.
    app.add_template_global(external_url)
