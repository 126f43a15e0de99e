"""Errors as RFC 9457 problem details (`application/problem+json`), with one entry per field for input
that failed validation."""

import marshmallow as ma
from flask import current_app, json
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"

DETAILS = {
    400: "The request could not be read: check its JSON and parameters.",
    401: "Send a valid personal API token: Authorization: Bearer <token>.",
    403: "Your token may not do this.",
    404: "There is nothing here, or nothing you may see.",
    405: "This address does not take that method.",
    413: "The request is too large.",
    415: "Send the body as application/json.",
    422: "Some of what you sent is not valid; see `errors`.",
    428: "This request needs a precondition header.",
    429: "Too many requests: wait, then try again (see Retry-After).",
    500: "Something went wrong on our side; it has been logged.",
    503: "The service is busy just now; try again shortly (see Retry-After).",
}


class FieldError(ma.Schema):
    pointer = ma.fields.String(metadata={"description": "Where in the JSON body (a JSON Pointer, e.g. #/title)."})
    parameter = ma.fields.String(metadata={"description": "Which query, path or header parameter."})
    in_ = ma.fields.String(data_key="in", metadata={"description": "Where that parameter is: query, path, header."})
    detail = ma.fields.String(required=True)


class Problem(ma.Schema):
    """RFC 9457 problem details."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    errors = ma.fields.List(ma.fields.Nested(FieldError), metadata={"description": "Each field that was not valid."})


def field_errors(messages, location: str = "", path: str = "") -> list[dict]:
    """webargs/marshmallow messages ({location: {field: [text] or nested}}) as a flat list of
    {"pointer", "detail"} (JSON Pointer into the body) or {"parameter", "detail"} (query and path)."""
    found = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not location:
                found += field_errors(value, str(key), "")
            else:
                found += field_errors(value, location, f"{path}/{key}")
    elif isinstance(messages, (list, tuple)):
        for message in messages:
            if isinstance(message, (dict, list, tuple)):
                found += field_errors(message, location, path)
            else:
                found.append(_entry(location, path, str(message)))
    else:
        found.append(_entry(location, path, str(messages)))
    return found


def _entry(location: str, path: str, detail: str) -> dict:
    if location == "json":
        return {"pointer": "#" + path, "detail": detail}
    return {"parameter": path.lstrip("/").split("/")[0] or location, "in": location, "detail": detail}


def problem(status: int, detail: str | None = None, *, title: str | None = None, errors: list | None = None,
            headers: dict | None = None):
    """A problem+json response."""
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    body = {"type": "about:blank", "title": title or phrase, "status": status,
            "detail": detail or DETAILS.get(status, phrase)}
    if errors:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def problem_for(error: HTTPException):
    """The problem+json answer to an HTTP error raised anywhere under the API (validation included)."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    errors = field_errors(data["messages"]) if "messages" in data else None
    detail = data.get("message") or _own_description(error)
    if status == 429 and getattr(error, "retry_after", None):
        headers["Retry-After"] = str(error.retry_after)
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    for name, value in (getattr(error, "problem_headers", None) or {}).items():
        headers[name] = value
    return problem(status, detail, errors=errors, headers=headers)


def _own_description(error: HTTPException) -> str | None:
    """A description the code chose (abort(404, "No such event.")), not werkzeug's stock sentence, which
    talks of browsers and servers."""
    stock = getattr(type(error), "description", None)
    description = error.description
    return description if description and description != stock else None
