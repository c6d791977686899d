"""A property-based run of schemathesis against /api/openapi.json, as a signed-in user with data:
no input answers 500, and every response conforms to the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_token_create
from catalog.tests.factories import BrandFactory, RetailerFactory
from spends.wsgi import application
from warranties.tests.factories import WarrantyFactory

CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def token(user):
    retailer, brand = RetailerFactory(owner=user), BrandFactory(owner=user)
    for _ in range(3):
        WarrantyFactory(purchase__owner=user, purchase__retailer=retailer, purchase__brand=brand)
    return api_token_create(owner=user, name="schemathesis")[1]


@pytest.fixture
def keep_test_connection():
    # Called through WSGI directly, Django would close the test's database connection at the
    # end of each request; its own test client disconnects these signals in the same way.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_never_answers_500_and_follows_its_schema(token, keep_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.path, response.text)
            case.validate_response(response, checks=CHECKS)

        check()
