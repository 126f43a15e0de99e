"""The JSON API for the tools member companies already use: /api/v1 over the same services and permission
rules as the pages, its OpenAPI description and reference page, and members' personal API tokens."""

from flask import Blueprint, request
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint

from cop.api.problems import Problem

# Pages: the reference, and the settings page where members make and revoke tokens.
bp = Blueprint("api", __name__)
# The API itself, at /api/v1 (JSON only; token only).
v1 = ApiBlueprint("api_v1", __name__, description="Version 1 of the community's JSON API.")
PREFIX = "/api/v1"


class CommunityApi(Api):
    """flask-smorest's Api, its errors described as problem details. They are answered by cop/errors.py's
    responder for /api/v1/ (see init_app); create_app registers the site's error handlers after this Api's."""

    ERROR_SCHEMA = Problem


def init_app(app):
    from cop import errors
    from cop.api import cli, problems, schemas, spec
    from cop.extensions import csrf
    from cop.forms import DatabaseIntConverter

    app.config.setdefault("API_TITLE", "Community of Practice API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    # The description is served by our own view (openapi.json), not by flask-smorest's documentation pages.
    app.config["OPENAPI_URL_PREFIX"] = None
    app.config.setdefault("API_SPEC_OPTIONS", spec.OPTIONS)
    api = CommunityApi()
    api.init_app(app)
    api.register_converter(DatabaseIntConverter, lambda converter: {
        "type": "integer", "minimum": 0, "maximum": converter.max})
    api.register_field(schemas.UTCDateTime, "string", "date-time")
    if "api_v1" not in app.blueprints:
        api.register_blueprint(v1, url_prefix=PREFIX)
    app.extensions["cop_api"] = api
    csrf.exempt(v1)
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("api_v1."):
            # The sign-in gate and the same-site check for posts are for pages a browser shows; the API
            # decides with the request's token (access.authenticate), which also counts the token's budget.
            view.is_public = True
            view.allows_cross_site = True
            # A token's request, not a browser's visit: the dashboard's day-by-day use does not count it.
            view.answers_to_token = True
    errors.RESPONDERS[PREFIX + "/"] = problems.problem_for
    cli.init_app(app)


@v1.before_request
def _authenticate():
    from cop.api import access

    access.authenticate()


@v1.after_request
def _after(response):
    from cop.api import access

    # What an API answer holds is the caller's own view of the community: no shared cache keeps it.
    response.headers.setdefault("Cache-Control", "private, no-cache")
    response.headers["Vary"] = "Authorization"
    if response.status_code == 304 and "ETag" not in response.headers:
        # A 304 carries the ETag the 200 would have (RFC 9110, 15.4.5). flask-smorest answers 304 only when
        # the current ETag is one of If-None-Match's strong tags, so where it sent one, that one is current.
        sent = request.if_none_match.as_set()
        if len(sent) == 1:
            response.set_etag(next(iter(sent)))
    return access.note_use(access.budget_headers(response))


from cop.api import (directory, discussions, events, notifications, practices, programs, search,  # noqa: E402,F401
                     views)
