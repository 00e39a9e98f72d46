"""Saved links are never lost: several processes save at once through real gunicorn workers."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
def gunicorn(tmp_path):
    port = _free_port()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        database_url = f"sqlite:///{tmp_path / 'concurrent.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SECRET_KEY": "concurrency-test-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "ADVISOR_SNAPSHOTS_PER_HOUR": "100000",
    }
    # What `make setup` does before a deployment serves.
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "advisor.wsgi", "--workers", "4", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=10)


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
