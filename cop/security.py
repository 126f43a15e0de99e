"""Response headers that make the browser refuse what CoP never does: inline script, framing, sniffing."""

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


def init_app(app):
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
