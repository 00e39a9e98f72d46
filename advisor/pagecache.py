"""Result pages served like static files.

A result page holds nothing per visitor (no CSRF token, session, cookie or
nonce), so for one rules version its bytes are a pure function of its URL.
Views that promise this are wrapped in `pure_page`: their 200 responses get a
strong ETag (a conditional GET is answered 304) and a Cache-Control that lets
browsers and a CDN keep them. `page_cache`, a middleware just behind the
health check, keeps each such page per worker process and answers the next
request for the same URL (or its 304) before the rest of the stack runs; the
response it replays carries every header the stack added the first time. It
also keeps the page gzip-compressed, for clients that accept it (every
browser and CDN does): a quarter of the bytes, compressed once. A result page
holds no secret, so compression leaks nothing (BREACH needs one).

Rules change only with a deploy, which starts new processes with empty caches;
the rules version is in the key all the same, for processes that reload.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags

from .rulebook import rulebook

CACHE_ALIAS = "results"
# Browsers revalidate after five minutes (a 304 costs next to nothing); a CDN keeps
# a page for an hour, so a rules deploy reaches everyone within the hour (or purge).
BROWSER_SECONDS = 300
CDN_SECONDS = 3600
# Headers that describe the body, not the resource: a 304 leaves them out.
_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding", "content-disposition"})
_NOT_MODIFIED = ":304"  # key suffix of a page's kept 304
_GZIP = ":gzip"  # key suffix of a page's gzip-compressed copy
_ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q=0(?:\.0*)?\s*(?:,|$))", re.IGNORECASE)  # "gzip", not "gzip;q=0"


_kept_bytes: dict[str, list[int]] = {}  # per cache name, shared by its instances as LocMemCache shares its store


class PageBudgetCache(LocMemCache):
    """The per-worker store of kept pages: LocMemCache with a budget in bytes, not entries.

    A design page is five times a domain result's size, so a count of pages says little about
    memory. OPTIONS["MAX_BYTES"] bounds the pickled pages held; past it the least recently
    used go, one by one, until the new page fits (a page larger than the whole budget is not
    kept at all). LocMemCache's own store and lock do the rest; these methods run under it.
    """

    def __init__(self, name, params):
        super().__init__(name, params)
        self.max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 8 << 20))
        self._bytes = _kept_bytes.setdefault(name, [0])

    @property
    def kept_bytes(self) -> int:
        return self._bytes[0]

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._delete(key)  # a replaced page gives its bytes back first
        if len(value) > self.max_bytes:
            return
        while self._cache and self._bytes[0] + len(value) > self.max_bytes:
            # get() moves a page it reads to the front: the end is the least recently used.
            oldest, dropped = self._cache.popitem()
            self._bytes[0] -= len(dropped)
            del self._expire_info[oldest]
        self._cache[key] = value
        self._cache.move_to_end(key, last=False)
        self._expire_info[key] = self.get_backend_timeout(timeout)
        self._bytes[0] += len(value)

    def _delete(self, key):
        value = self._cache.get(key)
        if not super()._delete(key):
            return False
        self._bytes[0] -= len(value)
        return True

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._bytes[0] = 0

    def incr(self, key, delta=1, version=None):
        raise NotImplementedError("kept pages are responses, not counters")


def _not_modified(page: HttpResponse) -> HttpResponse:
    """The 304 for a kept page: its headers, without those that describe a body."""
    response = HttpResponseNotModified()
    for name, value in page.items():
        if name.lower() not in _BODY_HEADERS:
            response[name] = value
    return response


def _matches(request: HttpRequest, etag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2), as Django's own conditional GET does it."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def pure_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose 200 responses depend on nothing but the URL and the rules version."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response  # redirects and errors are not pages to keep
        response["ETag"] = etag_of(response.content)
        if response.cookies:  # something per visitor crept in: no shared cache may keep it
            patch_cache_control(response, private=True)
            return response
        patch_cache_control(response, public=True, max_age=BROWSER_SECONDS, s_maxage=CDN_SECONDS)
        patch_vary_headers(response, ["Accept-Encoding"])  # page_cache may answer with gzip
        response.pure_page = True  # read by page_cache below
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return wrapper


def _key(request: HttpRequest) -> str | None:
    """The cache key for a request page_cache may answer, or None."""
    # HEAD gets the same headers as GET; head_without_body drops the body on the way out.
    if request.method not in ("GET", "HEAD") or not settings.ADVISOR_RESULT_CACHE:
        return None
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return None  # SecurityMiddleware must redirect it to HTTPS
    # Hashed: a URL may be long or hold characters a cache key may not (and short keys check fast).
    # The scheme too: a page kept from plain HTTP lacks HSTS (SECURE_SSL_REDIRECT may be off
    # when the load balancer redirects instead).
    url = f"{request.scheme}:{request.get_full_path()}"
    return f"{rulebook().version}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def _keepable(response: HttpResponse) -> bool:
    return (
        getattr(response, "pure_page", False)
        and response.status_code == 200
        and not response.cookies
        and response.get("Vary") == "Accept-Encoding"  # varying on anything else is not ours to replay
    )


def _compressed(page: HttpResponse) -> HttpResponse:
    """The page gzip-compressed: its own strong ETag, as a different representation needs."""
    headers = {name: value for name, value in page.items() if name.lower() != "content-length"}
    response = HttpResponse(gzip.compress(page.content, mtime=0), headers=headers)
    response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(response.content))  # else the server falls back to chunked framing
    response["ETag"] = page["ETag"].removesuffix('"') + '-gzip"'
    return response


@receiver(setting_changed)
def _forget_pages(**kwargs) -> None:
    """Pages render settings (e.g. ADVISOR_SOURCE_URL links): a changed setting (tests) drops them."""
    caches[CACHE_ALIAS].clear()


def page_cache(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        key = _key(request)
        if key is None:
            return get_response(request)
        cache = caches[CACHE_ALIAS]
        if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            key += _GZIP
        # The cache keeps response objects, as Django's own cache middleware does: each
        # get() unpickles a fresh copy, headers and all. A page's 304 is kept beside it,
        # so a conditional GET unpickles a few hundred bytes instead of the page.
        if "HTTP_IF_NONE_MATCH" in request.META and (not_modified := cache.get(key + _NOT_MODIFIED)) is not None:
            request.get_host()  # the host check still applies (DisallowedHost → 400)
            if _matches(request, not_modified["ETag"]):
                return not_modified
        page = cache.get(key)
        if page is not None:
            request.get_host()
            return _not_modified(page) if _matches(request, page["ETag"]) else page
        response = get_response(request)
        if _keepable(response):
            # Keep the representation this client takes: nearly every client takes gzip.
            page = _compressed(response) if key.endswith(_GZIP) else response
            not_modified = _not_modified(page)
            cache.set_many({key: page, key + _NOT_MODIFIED: not_modified})
            return not_modified if _matches(request, page["ETag"]) else page  # e.g. a -gzip tag after a restart
        return response

    return middleware
