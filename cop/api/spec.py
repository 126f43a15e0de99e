"""The OpenAPI description as served: flask-smorest's document, with errors as problem+json and the
site's own address as the server."""

from flask import current_app

from cop.api.problems import MEDIA_TYPE

OPTIONS = {
    "info": {
        "description": (
            "The community's practices, discussions and events for the systems member companies already use. "
            "Every request carries a personal API token (`Authorization: Bearer cop_...`), made on the site under "
            "Settings → API tokens; a read token reads, a read-and-write token also writes. You see and may do "
            "exactly what you may on the site. Lists are paged with an opaque `cursor` (follow `next`); reads "
            "answer `If-None-Match` with 304; times are UTC (ISO 8601); errors are RFC 9457 problem details."),
    },
    "security": [{"bearerAuth": []}],
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                                      "description": "A personal API token."}}},
}


def document() -> dict:
    """The OpenAPI 3.1 document for the current app (built once per app)."""
    cached = current_app.extensions.get("cop_api_document")
    if cached is not None:
        return cached
    document = current_app.extensions["cop_api"].spec.to_dict()
    problem = {"$ref": "#/components/schemas/Problem"}
    for response in document.get("components", {}).get("responses", {}).values():
        content = response.get("content", {})
        if content.get("application/json", {}).get("schema") == problem:
            response["content"] = {MEDIA_TYPE: content["application/json"]}
    document["servers"] = [{"url": current_app.config["COP_BASE_URL"].rstrip("/")}]
    current_app.extensions["cop_api_document"] = document
    return document


METHODS = ("get", "post", "put", "patch", "delete")


def schema_name(schema: dict | None) -> str:
    """A schema as a reader names it: Practice, [PracticeCard], string, …"""
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{schema_name(schema.get('items'))}]"
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"] if value is not None)
    return kind + (f" ({schema['format']})" if schema.get("format") else "")


def operations(document: dict) -> list[dict]:
    """The document's operations grouped by tag, in the order the API registered them, for the reference."""
    groups: dict[str, list] = {}
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            responses = [{"status": status, "description": response.get("description", ""),
                          "schema": schema_name(next(iter(response.get("content", {}).values()), {}).get("schema"))}
                         for status, response in operation.get("responses", {}).items() if "$ref" not in response]
            groups.setdefault((operation.get("tags") or ["Other"])[0], []).append({
                "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                "type": schema_name(p.get("schema")), "description": p.get("description", "")}
                               for p in shared + operation.get("parameters", []) if "$ref" not in p],
                "body": schema_name(body), "responses": responses})
    return [{"tag": tag, "operations": found} for tag, found in groups.items()]


def schemas(document: dict) -> list[dict]:
    """Each named schema with its fields, for the reference."""
    found = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        found.append({"name": name, "fields": [
            {"name": field, "type": schema_name(value), "required": field in required,
             "description": value.get("description", "")}
            for field, value in schema.get("properties", {}).items()]})
    return found
