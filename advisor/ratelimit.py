"""How many links one client may save: ADVISOR_SNAPSHOTS_PER_HOUR in any sliding hour.

Every save is a row (advisor.models.SaveEvent) in the database all workers share,
so the count is exact across processes: a client's count-then-insert runs in one
transaction that holds a per-client lock (SQLite's IMMEDIATE transactions take the
database's write lock up front; PostgreSQL takes an advisory lock on the client).
Domain and design saves draw on the same budget.

Who the client is depends on the proxies in front of the app (README, "Trust"):
behind ADVISOR_TRUSTED_PROXIES appending proxies, the client is that many entries
from the end of X-Forwarded-For; every entry to its left could be forged.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import SaveEvent

WINDOW = timedelta(hours=1)
IPV6_PREFIX = 64  # one subscriber's network: every address in a /64 counts as one client


def client_key(address: str) -> str:
    """The key a client's saves are counted under: an IPv4 address, or an IPv6 /64.

    Accepts what proxies write: `1.2.3.4`, `1.2.3.4:5678` (an ALB option), `[2001:db8::1]:443`,
    `2001:db8::1`. IPv4-mapped IPv6 is the IPv4 client. Anything else is kept as given (cut short).
    """
    text = address.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has at least two colons
        text = text.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return address.strip()[:64] or "unknown"
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def client_address(request: HttpRequest) -> str:
    """The client as the nearest trusted proxy saw it, or the peer when no proxy is trusted or none wrote the header."""
    trusted = settings.ADVISOR_TRUSTED_PROXIES
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if trusted and entries:
        # Fewer entries than trusted proxies: a proxy did not append; the leftmost is the best we have.
        return entries[-trusted] if len(entries) >= trusted else entries[0]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def snapshot_allowed(request: HttpRequest, *, now: datetime | None = None) -> int | None:
    """Count one save for this request's client. None when allowed; else the seconds until it may save again."""
    client = client_key(client_address(request))
    now = now or timezone.now()
    limit = settings.ADVISOR_SNAPSHOTS_PER_HOUR
    with transaction.atomic():
        _lock(client)
        SaveEvent.objects.filter(at__lte=now - WINDOW).delete()  # expired rows, every client's
        recent = list(SaveEvent.objects.filter(client=client).order_by("-at").values_list("at", flat=True)[: max(limit, 1)])
        if len(recent) >= limit:
            # The oldest of the last `limit` saves leaves the window first.
            oldest = recent[limit - 1] if limit else now
            return max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
        SaveEvent.objects.create(client=client, at=now)
    return None


def _lock(client: str) -> None:
    """Serialise one client's saves until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [client])
    # SQLite: settings open every transaction IMMEDIATE, which already holds the write lock.
