"""Limit how many snapshots one client saves, so a bot cannot fill the disk.

Counters live in the default cache, a database table that every worker
process shares (a per-process memory cache would let each worker count alone).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600


def client_address(request: HttpRequest) -> str:
    """The client as the trusted load balancer saw it.

    Behind one load balancer (ALB appends the address it received to
    X-Forwarded-For), the last entry is the only one nobody else could forge.
    Without the header (local mode, tests), REMOTE_ADDR is the client.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.ADVISOR_TRUST_X_FORWARDED_FOR:
        return forwarded.rsplit(",", 1)[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "unknown")[:64]


def snapshot_allowed(request: HttpRequest) -> bool:
    """Count one save for this client in the current hour; False once over the limit."""
    window = int(time.time()) // WINDOW_SECONDS
    key = f"snapshots:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= settings.ADVISOR_SNAPSHOTS_PER_HOUR
