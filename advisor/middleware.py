"""Small middleware the advisor needs beyond Django's own."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

MAX_QUERY_BYTES = 2048  # the longest canonical answer set is a few hundred bytes
MAX_FIELDS = 50  # a domain asks a handful of questions
# A design asks a whole blueprint's questions, each key prefixed by its domain
# ("database.data_shape=tables"): its pages and API get room of their own, and only they.
DESIGN_PREFIXES = ("/design/", "/api/v1/blueprints")
DESIGN_MAX_QUERY_BYTES = 4096
DESIGN_MAX_FIELDS = 100  # settings.DATA_UPLOAD_MAX_NUMBER_FIELDS is this too, for the design share form
MAX_BODY_BYTES = 16 * 1024  # the only forms post a handful of answers, or a design's few dozen

PERMISSIONS_POLICY = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"


def health_check(get_response: Callable[[HttpRequest], HttpResponse]):
    """Answer /healthz before host checks (load balancers probe by IP, over plain HTTP: SECURE_REDIRECT_EXEMPT)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz" and request.method in ("GET", "HEAD"):
            return HttpResponse("ok", content_type="text/plain")
        return get_response(request)

    return middleware


def request_limits(get_response: Callable[[HttpRequest], HttpResponse]):
    """Refuse oversized requests before anything parses them."""

    def middleware(request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        design = request.path.startswith(DESIGN_PREFIXES)
        max_bytes, max_fields = (DESIGN_MAX_QUERY_BYTES, DESIGN_MAX_FIELDS) if design else (MAX_QUERY_BYTES, MAX_FIELDS)
        if len(query) > max_bytes:
            return _too_big(request, HTTPStatus.BAD_REQUEST, f"The address is too long (over {max_bytes} characters of answers).")
        # Django counts fields too, but only against one global number (DATA_UPLOAD_MAX_NUMBER_FIELDS).
        if query and query.count("&") + 1 > max_fields:
            return _too_big(request, HTTPStatus.BAD_REQUEST, f"The address has too many answers (over {max_fields}).")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _too_big(request, HTTPStatus.BAD_REQUEST, "The request's Content-Length is not a number.")
        if length > MAX_BODY_BYTES:
            return _too_big(request, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"The request body is too large (over {MAX_BODY_BYTES} bytes).")
        return get_response(request)

    return middleware


def _too_big(request: HttpRequest, status: HTTPStatus, detail: str) -> HttpResponse:
    from .views import error_response  # views import the rule book; keep middleware import-light

    return error_response(request, status, "The request is too large", detail)


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]):
    """Headers Django does not set itself, on every response (pages, fragments, JSON, errors).

    And one rule for shared caches: a response that sets a cookie is that visitor's alone
    (Django's CSRF middleware replaces a malformed csrftoken cookie on any page), so it is
    never `public`, whatever the view said.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if response.cookies and "public" in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-cache"
        return response

    return middleware


def head_without_body(get_response: Callable[[HttpRequest], HttpResponse]):
    """A HEAD answer is the GET's headers with no body (RFC 9110 9.3.2).

    Django's test client drops the body itself; WSGI servers do not (gunicorn logs every
    body byte sent on a HEAD). Content-Length still says what a GET would carry.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.method == "HEAD" and not response.streaming and response.content:
            length = response.get("Content-Length") or str(len(response.content))
            response.content = b""
            response["Content-Length"] = length
        return response

    return middleware
