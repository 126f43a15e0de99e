"""Schemathesis over the API's own OpenAPI description, against the real app (its WSGI interface): for
every operation, generated requests with a read token and with a write token get no server error and no
answer that breaks the description (status, content type, headers, body). Bounded: a few examples per
operation, so the whole run stays well under a minute."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from tests.api_helpers import bearer, token_for
from tests.test_api import world  # noqa: F401  the same small community as the permission matrix

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = 25


@pytest.mark.parametrize("scope", ["read", "write"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(app, world, scope):  # noqa: F811
    app.config["COP_API_TOKEN_LIMIT"] = "100000 per minute"
    app.config["COP_POST_LIMIT"] = "100000 per minute"
    app.config["COP_SEARCH_LIMIT"] = app.config["COP_SEARCH_ADDRESS_LIMIT"] = "100000 per minute"
    headers = bearer(token_for(app, world.users["member"], scope))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 29
    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def exercise(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        exercise()
