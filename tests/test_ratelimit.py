"""Saved links per client per hour (advisor/ratelimit.py): who the client is, and a window that really lasts the hour."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import RequestFactory
from django.utils import timezone

from advisor.models import SaveEvent, Snapshot
from advisor.ratelimit import client_address, client_key, snapshot_allowed


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("203.0.113.9:51234", "203.0.113.9"),  # an ALB can append the client's port
        (" 203.0.113.9 ", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),  # IPv6 counts per /64: one subscriber's network
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::9]:443", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),  # IPv4-mapped IPv6 is the IPv4 client
        ("not-an-address", "not-an-address"),
    ],
)
def test_client_key(address, key):
    assert client_key(address) == key


@pytest.mark.parametrize(
    ("trusted", "forwarded", "client"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),  # the first entry is the client's own claim: forgeable
        (1, "203.0.113.9, 198.51.100.7,", "198.51.100.7"),  # a trailing comma is no entry
        (1, "203.0.113.9,,198.51.100.7 ,", "198.51.100.7"),
        (2, "203.0.113.9, 198.51.100.7, 192.0.2.1", "198.51.100.7"),  # a CDN in front of the ALB adds one
        (2, "198.51.100.7", "198.51.100.7"),  # fewer entries than proxies: the leftmost is all there is
        (0, "203.0.113.9", "192.0.2.200"),  # no proxy trusted: the peer
        (1, "", "192.0.2.200"),
    ],
)
def test_client_address_counts_trusted_proxies_from_the_end(settings, trusted, forwarded, client):
    settings.ADVISOR_TRUSTED_PROXIES = trusted
    request = RequestFactory().post("/database/share", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="192.0.2.200")
    assert client_address(request) == client


@pytest.mark.django_db
def test_the_window_slides_over_a_whole_hour(settings):
    settings.ADVISOR_SNAPSHOTS_PER_HOUR = 3
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    start = timezone.now()
    minutes = [0, 10, 20]
    assert [snapshot_allowed(request, now=start + timedelta(minutes=m)) for m in minutes] == [None, None, None]
    # Refused for the rest of the hour after the first save, and each refusal extends nothing.
    assert snapshot_allowed(request, now=start + timedelta(minutes=30)) == 30 * 60
    assert snapshot_allowed(request, now=start + timedelta(minutes=59)) == 60
    # The first save leaves the window an hour after it was made: one more is allowed, then not.
    assert snapshot_allowed(request, now=start + timedelta(minutes=60, seconds=1)) is None
    assert snapshot_allowed(request, now=start + timedelta(minutes=61)) == 9 * 60
    # Rows older than the window are purged as saves go by.
    assert SaveEvent.objects.filter(at__lte=start).count() == 0


@pytest.mark.django_db
def test_many_clients_do_not_reset_a_limited_one(settings):
    """The old cache culled past 300 live entries, which reset a limited client."""
    settings.ADVISOR_SNAPSHOTS_PER_HOUR = 1
    factory = RequestFactory()
    now = timezone.now()
    limited = factory.post("/", REMOTE_ADDR="203.0.113.9")
    assert snapshot_allowed(limited, now=now) is None
    for n in range(400):
        assert snapshot_allowed(factory.post("/", REMOTE_ADDR=f"198.51.{n // 256}.{n % 256}"), now=now) is None
    assert snapshot_allowed(limited, now=now + timedelta(minutes=5)) == 55 * 60


@pytest.mark.django_db
def test_over_the_limit_is_a_429_with_retry_after(client, settings):
    settings.ADVISOR_SNAPSHOTS_PER_HOUR = 3
    one = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"}
    statuses = [client.post("/database/share", {"purpose": "analytics"}, **one).status_code for _ in range(3)]
    assert statuses == [HTTPStatus.SEE_OTHER] * 3
    refused = client.post("/database/share", {"purpose": "analytics"}, **one)
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 3590 <= int(refused["Retry-After"]) <= 3600
    assert "you can save again in 60 minutes" in refused.content.decode()
    # Another client behind the same load balancer is counted apart; the forged first entry does not matter.
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.8"}
    assert client.post("/database/share", {"purpose": "analytics"}, **other).status_code == HTTPStatus.SEE_OTHER
    assert Snapshot.objects.count() == 4


@pytest.mark.django_db
def test_one_ipv6_network_is_one_client(client, settings):
    settings.ADVISOR_SNAPSHOTS_PER_HOUR = 2
    neighbours = [f"2001:db8:77:1::{n}" for n in range(1, 4)]
    statuses = [client.post("/database/share", {"purpose": "analytics"}, HTTP_X_FORWARDED_FOR=a).status_code for a in neighbours]
    assert statuses == [HTTPStatus.SEE_OTHER, HTTPStatus.SEE_OTHER, HTTPStatus.TOO_MANY_REQUESTS]
