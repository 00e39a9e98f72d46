"""What an operator meets: commands in a fresh shell, a plain `migrate`, errors in the log, HEAD and cookies."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from http import HTTPStatus

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from .conftest import ROOT

# What a new shell has: no DJANGO_*, no DATABASE_URL, no ADVISOR_* (the test run sets some).
BARE = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root")}
PRODUCTION = {
    "DJANGO_SECRET_KEY": "operations-test-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "advisor.example.com",
}


def run(*args: str, env: dict[str, str], cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "command",
    [
        ["manage.py", "check_rules"],
        ["manage.py", "check_rules", "--coverage"],
        ["manage.py", "recommend", "database", "purpose=analytics"],
        ["manage.py", "recommend", "database", "purpose=analytics", "--json"],
    ],
    ids=" ".join,
)
def test_commands_that_serve_nothing_work_in_a_fresh_shell(command):
    result = run(*command, env=BARE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "must be set" not in result.stderr


def test_serving_in_production_refuses_without_its_settings():
    result = run("-c", "import advisor.wsgi", env=BARE)
    assert result.returncode == 1
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
        assert f"{name} must be set when DJANGO_DEBUG is not 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_in_production_without_a_database_url_fails_loudly_and_touches_no_file(tmp_path):
    local_file = ROOT / "db.sqlite3"
    before = local_file.stat().st_mtime_ns if local_file.exists() else None
    result = run("manage.py", "migrate", env={**BARE, **PRODUCTION})
    assert result.returncode == 1
    assert "DATABASE_URL must be set when DJANGO_DEBUG is not 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert (local_file.stat().st_mtime_ns if local_file.exists() else None) == before


def test_an_unmigrated_database_is_named_by_the_checks_and_refused_by_the_server(tmp_path):
    env = {**BARE, **PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    check = run("manage.py", "check", "--database", "default", env=env)
    assert "advisor.W001" in check.stderr + check.stdout
    assert "Run `manage.py migrate`" in check.stderr + check.stdout
    serving = run("-c", "import advisor.wsgi", env=env)
    assert serving.returncode == 1
    assert "run `manage.py migrate` first" in serving.stderr
    migrated = run("manage.py", "migrate", "-v0", env=env)
    assert migrated.returncode == 0
    assert "advisor.W001" not in migrated.stderr + migrated.stdout  # telling migrate to migrate is noise
    check = run("manage.py", "check", "--database", "default", "--fail-level", "WARNING", env=env)
    assert check.returncode == 0, check.stdout + check.stderr


def test_after_migrate_alone_saving_a_link_works_and_a_500_is_logged_with_its_traceback(serve):
    served = serve()  # migrate, collectstatic, gunicorn: no createcachetable
    https = {"X-Forwarded-Proto": "https"}
    with urllib.request.urlopen(urllib.request.Request(f"{served.url}/database/share?purpose=analytics", headers=https)) as response:
        html = response.read().decode()
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    origin = served.url.replace("http://", "https://")
    save = urllib.request.Request(
        f"{served.url}/database/share",
        data=f"csrfmiddlewaretoken={token}&purpose=analytics".encode(),
        headers={**https, "Cookie": cookie, "Origin": origin, "Referer": origin + "/"},
        method="POST",
    )
    with urllib.request.urlopen(save) as response:  # follows the 303 to the saved link
        assert response.status == HTTPStatus.OK
        assert "/s/" in response.url

    # An error nobody foresaw: a saved row the page cannot render.
    made = served.manage(
        "shell",
        "-c",
        "from advisor.models import Snapshot; Snapshot.objects.create(slug='B'*22, domain='database', answers=[], "
        "rules_version='0'*12, document={'no': 'result'})",
    )
    assert made.returncode == 0, made.stderr
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(urllib.request.Request(f"{served.url}/s/{'B' * 22}", headers=https))
    assert failed.value.code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert b"Traceback" not in failed.value.read()
    log = served.log.read_text()
    line = next(line for line in log.splitlines() if "ERROR django.request" in line)
    print(f"\nforced 500, log line: {line}")
    assert "Internal Server Error: /s/BBBBBBBBBBBBBBBBBBBBBB" in line
    assert "Traceback (most recent call last):" in log
    assert "WSGI app sent body bytes on a no-body response" not in log


@pytest.mark.django_db  # the handler's request_started signal closes old connections
@pytest.mark.parametrize("path", ["/", "/database/", "/database/result?purpose=analytics", "/api/v1/domains", "/healthz", "/nowhere/"])
def test_head_answers_carry_no_body(path):
    """Django's test client drops a HEAD body itself: ask the WSGI handler, as gunicorn does."""
    environ = RequestFactory().generic("HEAD", path, headers={"Accept-Encoding": "gzip"}).environ
    started = {}
    body = b"".join(WSGIHandler()(environ, lambda status, headers, *rest: started.update(status=status, headers=dict(headers))))
    assert body == b""
    get = RequestFactory().get(path, headers={"Accept-Encoding": "gzip"}).environ
    get_body = b"".join(WSGIHandler()(get, lambda *args: None))
    assert started["headers"].get("Content-Length") == str(len(get_body))


def test_head_of_the_share_form_is_not_refused(client):
    assert client.head("/database/share?purpose=analytics").status_code == HTTPStatus.OK


def test_a_page_that_sets_a_cookie_is_never_public(client):
    """A malformed csrftoken cookie makes Django's CSRF middleware send a fresh one, on any page."""
    client.cookies["csrftoken"] = "not-a-token"
    response = client.get("/database/result?purpose=analytics")
    assert response.status_code == HTTPStatus.OK
    assert "csrftoken" in response.cookies
    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_retired_setting_is_named_not_ignored_in_silence():
    check = run("manage.py", "check", env={**BARE, "DJANGO_DEBUG": "1", "ADVISOR_RESULT_CACHE_PAGES": "500"})
    assert "advisor.W002" in check.stderr + check.stdout
    assert "ADVISOR_RESULT_CACHE_PAGES is no longer read" in check.stderr + check.stdout
    assert "ADVISOR_RESULT_CACHE_MB" in check.stderr + check.stdout
    quiet = run("manage.py", "check", env={**BARE, "DJANGO_DEBUG": "1"})
    assert "advisor.W002" not in quiet.stderr + quiet.stdout
