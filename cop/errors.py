"""Friendly error pages: a clear message and a way on, never a traceback."""

import logging
from collections.abc import Callable

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError, default_exceptions

from cop.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("That request didn't make sense", "Something in it was missing or malformed. Go back and try again."),
    403: ("You can't do that here", "Your account doesn't have permission for this page or action."),
    404: ("We couldn't find that page", "It may have moved, been removed, or never existed."),
    405: ("That action isn't allowed here", "Use the buttons and links on the page instead."),
    413: ("That is too large to send", "Choose a smaller file, or shorten the text, and try again."),
    429: ("Too many attempts", "Please wait a minute before you try again."),
    500: ("Something went wrong on our side", "The error has been logged. Please try again in a moment."),
}


# Parts of the site that are not pages answer errors in their own format: path prefix -> function
# (HTTPException) -> response. The JSON API adds one at start-up; everything else gets an error page.
RESPONDERS: dict[str, Callable] = {}


def _responder() -> Callable | None:
    return next((respond for prefix, respond in RESPONDERS.items() if request.path.startswith(prefix)), None)


def render_error(code: int, detail: str | None = None):
    if isinstance(request.routing_exception, SecurityError):
        # A Host the site does not serve (TRUSTED_HOSTS): no link can be built for it, so no page either,
        # whatever else went wrong (a missing form token, say). A plain 400, never a 500.
        return current_app.response_class("Bad request: this site does not answer for that host name.\n",
                                          400, mimetype="text/plain")
    if (respond := _responder()) is not None:
        return respond(default_exceptions.get(code, InternalServerError)(description=detail))
    title, text = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def init_app(app):
    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        return render_error(400, "The form had expired or came from another site, so nothing was saved. "
                                 "Go back, reload the page and submit it again.")

    @app.errorhandler(HTTPException)
    def _http_error(error):
        if error.code and error.code < 400:
            return error
        if (respond := _responder()) is not None and not isinstance(request.routing_exception, SecurityError):
            return respond(error)
        response = render_error(error.code or 500)
        if not isinstance(response, tuple):
            return response
        if error.code == 429:
            retry = getattr(error, "retry_after", None)
            return response[0], 429, ({"Retry-After": str(retry)} if retry else {})
        if error.code == 405 and getattr(error, "valid_methods", None):
            return response[0], 405, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(Exception)
    def _unexpected_error(error):
        if isinstance(error, HTTPException):
            return _http_error(error)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(InternalServerError.code)
