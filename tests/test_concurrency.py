"""Saved links are never lost: several processes save at once through real gunicorn workers."""

import json
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from advisor.engine import rulebook_load
from advisor.models import Snapshot, snapshot_create

from .conftest import ROOT, TEST_RULES

BOOK = rulebook_load(TEST_RULES, display_root=ROOT)
CLIENTS = 6
SAVES_PER_CLIENT = 15
RESULTS = {"saves": 0, "lost": 0}


def _complete_answer_sets(domain_id: str) -> list[list[tuple[str, str]]]:
    """Distinct complete answer sets of a domain, from its examples."""
    return [list(e.answers) for e in BOOK.domain(domain_id).examples if not e.todo]


def _save_many(base: str, work: list[tuple[str, list[tuple[str, str]]]]) -> list[tuple[str, list, str]]:
    """One client: fetch the share form (for the CSRF cookie and token), then post each save.

    The load balancer's side is played by hand: X-Forwarded-Proto says https, so
    the Secure CSRF cookie is sent back by hand too (a cookie jar would not, over http).
    """
    opener = urllib.request.build_opener(_NoRedirect())
    origin = base.replace("http://", "https://")
    https = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"}
    saved = []
    for domain_id, answers in work:
        query = urllib.parse.urlencode(answers)
        with opener.open(urllib.request.Request(f"{base}/{domain_id}/share?{query}", headers=https)) as response:
            html = response.read().decode()
            cookie = response.headers["Set-Cookie"].split(";", 1)[0]
        token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        body = urllib.parse.urlencode([("csrfmiddlewaretoken", token), *answers]).encode()
        request = urllib.request.Request(f"{base}/{domain_id}/share", data=body, headers={**https, "Cookie": cookie}, method="POST")
        try:
            opener.open(request)
            status, location = 200, ""
        except urllib.error.HTTPError as redirect:  # _NoRedirect leaves the 303 as an "error"
            status, location = redirect.code, redirect.headers["Location"]
        assert status == 303, status
        saved.append((domain_id, answers, location.rsplit("/", 1)[1]))
    return saved


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def gunicorn(serve):
    return serve(ADVISOR_SNAPSHOTS_PER_HOUR="100000").url


def test_concurrent_saves_all_open_with_exactly_what_was_saved(gunicorn):
    sets = [(domain, answers) for domain in ("database", "storage") for answers in _complete_answer_sets(domain)]
    work = [[sets[(client * SAVES_PER_CLIENT + i) % len(sets)] for i in range(SAVES_PER_CLIENT)] for client in range(CLIENTS)]
    with ProcessPoolExecutor(max_workers=CLIENTS) as pool:
        saved = [item for batch in pool.map(_save_many, [gunicorn] * CLIENTS, work) for item in batch]
    assert len(saved) == CLIENTS * SAVES_PER_CLIENT
    assert len({slug for _, _, slug in saved}) == len(saved)
    lost = 0
    for domain_id, answers, slug in saved:
        with urllib.request.urlopen(
            urllib.request.Request(f"{gunicorn}/s/{slug}.json", headers={"X-Forwarded-Proto": "https"})
        ) as response:
            document = json.loads(response.read())
        expected_top = next(e.top for e in BOOK.domain(domain_id).examples if list(e.answers) == answers)
        if document["answers"] != dict(answers) or document["result"]["top"]["id"] != expected_top:
            lost += 1
    RESULTS.update(saves=len(saved), lost=lost)
    print(f"\nconcurrent saves: {len(saved)} from {CLIENTS} processes through 4 gunicorn workers, links lost or changed: {lost}")
    assert lost == 0


@pytest.mark.django_db
def test_slug_collision_draws_again(monkeypatch):
    first = snapshot_create(domain="database", answers=[("purpose", "analytics")], rules_version="0" * 12, document={})
    draws = iter([first.slug, "B" * 22])
    monkeypatch.setattr("advisor.models.secrets.token_urlsafe", lambda n: next(draws))
    second = snapshot_create(domain="database", answers=[("purpose", "cache")], rules_version="0" * 12, document={})
    assert second.slug == "B" * 22
    assert Snapshot.objects.get(slug=first.slug).answers == [["purpose", "analytics"]]


LIMIT = 60
RUSH = 200


def _post_once(base: str, cookie: str, token: str, client: str) -> tuple[int, str | None]:
    opener = urllib.request.build_opener(_NoRedirect())
    origin = base.replace("http://", "https://")
    body = urllib.parse.urlencode([("csrfmiddlewaretoken", token), ("purpose", "analytics")]).encode()
    headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/", "Cookie": cookie, "X-Forwarded-For": client}
    try:
        opener.open(urllib.request.Request(f"{base}/database/share", data=body, headers=headers, method="POST"))
    except urllib.error.HTTPError as answer:  # both the 303 and the 429 land here
        return answer.code, answer.headers.get("Retry-After")
    return 200, None


def test_rate_limit_is_exact_under_a_rush_of_concurrent_saves(serve):
    """One client's 200 saves at once through 4 workers: exactly the hourly budget succeeds."""
    served = serve(ADVISOR_SNAPSHOTS_PER_HOUR=str(LIMIT))
    https = {"X-Forwarded-Proto": "https"}
    with urllib.request.urlopen(urllib.request.Request(f"{served.url}/database/share?purpose=analytics", headers=https)) as response:
        html = response.read().decode()
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    # Every address of one /64 is one client, whatever port the load balancer adds.
    clients = [f"2001:db8:1:2::{n:x}" if n % 2 else f"[2001:db8:1:2:ffff::{n:x}]:4{n:04d}" for n in range(RUSH)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda c: _post_once(served.url, cookie, token, c), clients))
    statuses = [status for status, _ in answers]
    RESULTS["rush_allowed"] = statuses.count(303)
    print(f"\nrate limit: {statuses.count(303)} of {RUSH} concurrent saves from one client allowed (limit {LIMIT} per hour)")
    assert statuses.count(303) == LIMIT
    assert statuses.count(429) == RUSH - LIMIT
    assert all(3500 <= int(wait) <= 3600 for status, wait in answers if status == 429)
