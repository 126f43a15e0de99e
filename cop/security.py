"""What the site refuses whatever the form says: unsafe production settings, hosts it does not serve,
form posts from other sites; and response headers that make the browser refuse what CoP never does
(inline script, framing, sniffing)."""

from urllib.parse import urlsplit

from flask import current_app, request

from config import DEFAULT_SECRET_KEY

MIN_SECRET_KEY_BYTES = 32
# Methods that change something: each must come from a page of this site (Origin or Referer).
STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])


def configure_production(app) -> None:
    """Refuse to start with a guessable secret or the debugger on; answer only for the site's own hosts.

    Anyone who knows SECRET_KEY can sign sessions and reset links; the debugger runs code from the
    browser. TRUSTED_HOSTS (Flask's own check) defaults to COP_BASE_URL's host plus COP_TRUSTED_HOSTS:
    a request for any other Host is answered 400 before any view runs.
    """
    key = app.config.get("SECRET_KEY") or ""
    key_bytes = key.encode() if isinstance(key, str) else bytes(key)
    if not key_bytes or key == DEFAULT_SECRET_KEY:
        raise RuntimeError("Refusing to start in production with the default SECRET_KEY; set SECRET_KEY.")
    if len(key_bytes) < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(f"Refusing to start in production with a SECRET_KEY under {MIN_SECRET_KEY_BYTES} bytes; "
                           "set a long random one, e.g. python -c 'import secrets; print(secrets.token_hex(32))'.")
    if app.config.get("DEBUG"):
        raise RuntimeError("Refusing to start in production with DEBUG on: the debugger runs code sent by a "
                           "browser. Unset FLASK_DEBUG / DEBUG.")
    if not app.config.get("TRUSTED_HOSTS"):
        base_host = urlsplit(app.config["COP_BASE_URL"]).hostname
        app.config["TRUSTED_HOSTS"] = [host for host in [base_host, *app.config["COP_TRUSTED_HOSTS"]] if host]


def allows_cross_site(view):
    """Mark a view other sites may post to: it is authorised by a secret in its URL, not by a session
    (one-click unsubscribe, which mail programs post from their own servers)."""
    view.allows_cross_site = True
    return view


def _origin(url: str) -> str | None:
    """scheme://host[:port] of an address, the default port left out; None for anything else ("null")."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default_port = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default_port else "")


def is_cross_site_post() -> bool:
    """A state-changing request whose Origin (or, without one, Referer) is neither the configured site
    nor the host the request was sent to (the development server). Requests with neither header pass:
    some clients send none, and the CSRF token still protects them."""
    if request.method not in STATE_CHANGING_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, "allows_cross_site", False):
        return False
    sent = request.headers.get("Origin") or request.headers.get("Referer")
    if not sent:
        return False
    allowed = {_origin(current_app.config["COP_BASE_URL"]), _origin(request.host_url)}
    return _origin(sent) not in allowed


def init_app(app):
    from cop.errors import render_error

    @app.before_request
    def _refuse_cross_site_posts():
        if is_cross_site_post():
            return render_error(403, "This form was sent from another site, so nothing was saved. "
                                     "Go back to the community's own page and try again there.")
        return None

    headers_for_all = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if app.config["SESSION_COOKIE_SECURE"]:
        headers_for_all.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))

    @app.after_request
    def _security_headers(response):
        # A view may set its own (a feed's looser policy, say); only the missing ones are added. One pass
        # over the names the response has: asking for each absent header costs an exception apiece.
        present = {name.lower() for name, _ in response.headers.items()}
        response.headers.extend([(name, value) for name, value in headers_for_all if name.lower() not in present])
        return response
