"""Schemathesis generates requests from the OpenAPI document and checks every response against it."""

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import settings

from .conftest import FUZZ, ROOT

schema = schemathesis.openapi.from_dict(json.loads((ROOT / "advisor" / "openapi.json").read_text()))
schema.app = get_wsgi_application()


@pytest.mark.django_db
@schema.parametrize()
# No deadline: the first request after a code change compiles templates and fills caches,
# and Hypothesis's default 200 ms deadline made that a rare, flaky failure.
@settings(deadline=None)
def test_api_matches_its_openapi_document(case):
    response = case.call_and_validate()
    FUZZ["requests"] += 1
    FUZZ["5xx"] += response.status_code >= 500
