"""Throw arbitrary input at every endpoint: nothing may answer 5xx."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import FUZZ

FUZZ_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ENDPOINTS = [
    "/",
    "/database/",
    "/database/result",
    "/database/result.md",
    "/database/share",
    "/storage/",
    "/api/v1/domains",
    "/api/v1/domains/database",
    "/api/v1/domains/database/recommend",
    "/api/v1/openapi.json",
    "/healthz",
]
# Ids the advisor knows, mixed with junk, so fuzzing reaches past the first check.
KNOWN = st.sampled_from(
    ["purpose", "data_shape", "engine", "scale", "audit", "app", "tables", "not_sure", "yes", "edit", "csrfmiddlewaretoken"]
)
TEXT = st.text(max_size=40)
KEYS = st.one_of(KNOWN, TEXT)
QUERY = st.lists(st.tuples(KEYS, st.one_of(KNOWN, TEXT)), max_size=8)
HEADER_VALUE = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)


def _query(pairs) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def _send(client, method, url, **kwargs):
    client.raise_request_exception = False
    response = getattr(client, method)(url, **kwargs)
    FUZZ["requests"] += 1
    if response.status_code >= 500:
        FUZZ["5xx"] += 1
    assert response.status_code < 500, (method, url, kwargs, response.status_code)
    assert b"Traceback" not in response.content
    return response


@pytest.mark.django_db
@FUZZ_SETTINGS
@given(endpoint=st.sampled_from(ENDPOINTS), pairs=QUERY)
def test_arbitrary_query_strings(client, endpoint, pairs):
    _send(client, "get", f"{endpoint}?{_query(pairs)}")


@pytest.mark.django_db
@FUZZ_SETTINGS
@given(
    pairs=QUERY, domain=st.one_of(st.sampled_from(["database", "storage", "nope"]), st.from_regex(r"[a-z][a-z0-9_-]{0,20}", fullmatch=True))
)
def test_arbitrary_form_bodies(client, pairs, domain):
    _send(client, "post", f"/{domain}/share", data=_query(pairs), content_type="application/x-www-form-urlencoded")


@pytest.mark.django_db
@FUZZ_SETTINGS
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    headers=st.dictionaries(
        st.sampled_from(
            [
                "HX-Request",
                "HX-History-Restore-Request",
                "HX-Current-URL",
                "HX-Target",
                "X-Forwarded-For",
                "X-Forwarded-Proto",
                "Accept",
                "Cookie",
                "Content-Type",
            ]
        ),
        HEADER_VALUE,
        max_size=5,
    ),
)
def test_arbitrary_headers(client, endpoint, headers):
    _send(client, "get", f"{endpoint}?purpose=app", headers=headers)


@pytest.mark.django_db
@FUZZ_SETTINGS
@given(
    slug=st.one_of(st.text(max_size=40), st.from_regex(r"[A-Za-z0-9_-]{22}", fullmatch=True)),
    suffix=st.sampled_from(["", ".json", ".md", "/compare"]),
)
def test_arbitrary_slugs(client, slug, suffix):
    _send(client, "get", f"/s/{quote(slug, safe='')}{suffix}")


@pytest.mark.django_db
@FUZZ_SETTINGS
@given(path=st.text(max_size=60))
def test_arbitrary_paths(client, path):
    _send(client, "get", "/" + quote(path, safe="/"))
