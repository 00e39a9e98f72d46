"""Production behaviour: deploy checks, headers on every kind of response, health checks, limits."""

import os
import subprocess
import sys
from http import HTTPStatus

import pytest

from .conftest import ROOT
from .observatory import grade, observatory_score

HTTPS = {"X-Forwarded-Proto": "https"}
PRODUCTION = {
    "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-key-0123456789",
    "DJANGO_ALLOWED_HOSTS": "advisor.example.com",
    "DATABASE_URL": "sqlite:////tmp/advisor-deploy-check.sqlite3",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, env={**clean, **env}, check=False)


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DATABASE_URL", "DJANGO_SECRET_KEY"])
def test_production_without_required_settings_stops_clearly(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode == 1
    assert f"{missing} must be set when DJANGO_DEBUG is not 1 (production)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def production(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["advisor.example.com", "testserver"]
    return settings


def test_plain_http_redirects_to_https(client, production):
    response = client.get("/database/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "https://testserver/database/"
    assert client.get("/database/", headers=HTTPS).status_code == HTTPStatus.OK


@pytest.mark.parametrize("host", ["10.0.3.17:8000", "internal-lb-123.eu-west-1.elb.amazonaws.com", "bad host!"])
def test_healthz_answers_plain_http_for_any_host(client, production, host):
    response = client.get("/healthz", HTTP_HOST=host)
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"


def test_unknown_host_is_a_clear_400(client, production):
    response = client.get("/", HTTP_HOST="evil.example", headers=HTTPS)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"The request could not be read" in response.content


def _boom(*args, **kwargs):
    raise RuntimeError("simulated failure")


KINDS = {
    "page": ("get", "/database/result?purpose=analytics", {}),
    "fragment": ("get", "/database/?purpose=app", {"HX-Request": "true"}),
    "json": ("get", "/api/v1/domains/database/recommend?purpose=app", {}),
    "json-error": ("get", "/api/v1/domains/nowhere", {}),
    "not-found": ("get", "/nowhere/", {}),
    "bad-request": ("get", "/database/?purpose=blob", {}),
    "too-large": ("get", "/database/?" + "a" * 3000, {}),
    "method-not-allowed": ("put", "/", {}),
    "api-method-not-allowed": ("delete", "/api/v1/domains", {}),
    "csrf-refused": ("post", "/database/share", {}),
    "healthz": ("get", "/healthz", {}),
    "head": ("head", "/database/result?purpose=analytics", {}),
}


@pytest.mark.parametrize("kind", [*KINDS, "server-error", "api-server-error"])
@pytest.mark.django_db
def test_every_kind_of_response_carries_the_security_headers(client, production, monkeypatch, kind):
    client.raise_request_exception = False
    if kind.endswith("server-error"):
        monkeypatch.setattr("advisor.views.rulebook", _boom)
        method, url, headers = "get", "/api/v1/domains" if kind == "api-server-error" else "/", {}
    else:
        method, url, headers = KINDS[kind]
    if kind == "csrf-refused":
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(url, headers={**HTTPS, **headers})
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    for unsafe in ("unsafe-inline", "unsafe-eval", "nonce-"):
        assert unsafe not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Permissions-Policy"].startswith("accelerometer=()")
    assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert b"Traceback" not in response.content
    assert b"simulated failure" not in response.content


def _assert_security_headers(response) -> None:
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Permissions-Policy"].startswith("accelerometer=()")
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_a_disallowed_host_on_a_kept_page_gets_the_headers_too(client, production):
    url = "/database/result?purpose=analytics"
    assert client.get(url, headers=HTTPS).status_code == HTTPStatus.OK  # now kept by the page cache
    for extra in ({}, {"If-None-Match": client.get(url, headers=HTTPS)["ETag"]}):
        response = client.get(url, HTTP_HOST="evil.example", headers={**HTTPS, **extra})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        _assert_security_headers(response)


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        (("GET", "/database/?" + "a" * 3000, b""), HTTPStatus.BAD_REQUEST),
        (("POST", "/database/share", b"x" * 20000), HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
    ],
    ids=["long-address", "large-body"],
)
def test_refused_oversized_requests_get_the_headers_too(client, production, request_args, status):
    method, path, body = request_args
    response = client.generic(method, path, body, content_type="application/x-www-form-urlencoded", headers=HTTPS)
    assert response.status_code == status
    _assert_security_headers(response)


@pytest.mark.parametrize("url", ["/", "/database/result?purpose=analytics", "/api/v1/domains"])
def test_headers_score_a_plus_on_the_observatory_scale(client, production, url):
    response = client.get(url, headers=HTTPS)
    score, modifiers = observatory_score(dict(response.headers))
    assert grade(score) == "A+", modifiers
    assert score >= 115, modifiers


def test_observatory_scorer_is_not_a_rubber_stamp():
    score, _ = observatory_score({"Content-Security-Policy": "script-src 'self' 'unsafe-inline'"})
    assert grade(score) != "A+"


def test_oversized_body_is_refused(client):
    response = client.generic("POST", "/database/share", b"purpose=app&" + b"x" * 20000, content_type="application/x-www-form-urlencoded")
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert b"too large" in response.content
