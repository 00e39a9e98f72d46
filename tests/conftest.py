import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from advisor.engine import RuleBook, rulebook_load

ROOT = Path(__file__).resolve().parent.parent
# The rule book the app serves under test (ADVISOR_RULES_DIR in advisor/test_settings.py).
TEST_RULES = ROOT / "tests" / "rules"

# A small but complete domain: two questions (one behind ask_if), three
# candidates (one retired), rules of every effect and two examples. Tests
# break one thing in it at a time.
TINY = """\
# yaml-language-server: $schema=../rules/rules.schema.json
domain:
  id: tiny
  area: database
  title: Which tiny store?
  summary: A small domain for the tests of the engine.
questions:
  - id: shape
    text: What does the data look like?
    help: Tables or items fetched by key.
    choices:
      - {id: tables, label: Tables}
      - {id: items, label: Items}
      - {id: not_sure, label: Not sure, unsure: true}
  - id: engine
    text: Which engine does it need?
    help: The database software your code talks to.
    ask_if:
      equals: {shape: tables}
    choices:
      - {id: open, label: Open source}
      - {id: oracle, label: Oracle}
      - {id: not_sure, label: Not sure, unsure: true}
candidates:
  - id: rel
    name: Relational store
    summary: A relational store for the tests.
    docs: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Welcome.html
    cost: Per instance-hour and per GB-month.
    verified: 2026-11-26
  - id: kv
    name: Key-value store
    summary: A key-value store for the tests.
    docs: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html
    cost: Per request and per GB-month.
    verified: 2026-11-26
  - id: old
    name: Old store
    summary: A retired store for the tests.
    docs: https://docs.aws.amazon.com/qldb/latest/developerguide/what-is.html
    cost: No longer offered at all.
    verified: 2026-11-26
    lifecycle:
      status: end-of-support
      date: 2025-07-31
      successor: rel
      note: Move to the relational store.
      source: https://docs.aws.amazon.com/qldb/latest/developerguide/document-history.html
rules:
  - id: tables-relational
    title: Tables suit the relational store
    when:
      equals: {shape: tables}
    favour: {rel: 3}
    because: Tables with joins are what a relational store is built for.
    source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Welcome.html
  - id: items-kv
    title: Items suit the key-value store
    when:
      equals: {shape: items}
    favour: {kv: 3}
    disfavour: {rel: 1}
    because: Items fetched by key need no joins and scale out easily.
    source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html
  - id: oracle-not-kv
    title: Oracle code cannot move to the key-value store
    when:
      all:
        - equals: {shape: tables}
        - not: {equals: {engine: open}}
        - any:
            - equals: {engine: oracle}
    rule_out: [kv]
    because: Oracle code depends on SQL features a key-value store lacks.
    source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Welcome.html
examples:
  # Tables on Oracle.
  - id: oracle-tables
    answers: {shape: tables, engine: oracle}
    expect:
      top: rel
      ruled_out: [kv, old]
      fires: [tables-relational, oracle-not-kv]
  # Items by key.
  - id: items
    answers: {shape: items}
    expect:
      top: kv
      does_not_fire: [tables-relational]
"""


def write_rules(folder: Path, files: dict[str, str]) -> Path:
    """Write rule files (name → text) into `folder`/rules and return that folder."""
    rules = folder / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = rules / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return rules


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    return write_rules(tmp_path, {"tiny.yaml": TINY})


@pytest.fixture
def tiny(tiny_dir: Path) -> RuleBook:
    return rulebook_load(tiny_dir)


@pytest.fixture(autouse=True)
def _nothing_kept():
    """Each test starts with no result pages (advisor/pagecache.py), fragments or worked-out
    URLs (advisor/templatetags/advisor.py) kept: none sees another's."""
    from django.core.cache import caches

    from advisor.templatetags.advisor import _forget

    caches["results"].clear()
    _forget()


# Requests sent by the fuzz tests (Hypothesis, Schemathesis) and how many answered 5xx.
FUZZ = {"requests": 0, "5xx": 0}


@pytest.fixture(scope="session")
def shipped() -> RuleBook:
    """The shipped rules: only the examples and whole-book walks judge them."""
    return rulebook_load(ROOT / "rules", display_root=ROOT)


@pytest.fixture(scope="session")
def app_book() -> RuleBook:
    """The tests' own rule book, which the app serves under test."""
    return rulebook_load(TEST_RULES, display_root=ROOT)


# Browser tests ----------------------------------------------------------------
# Playwright drives Debian's Chromium; it cannot download its own browser here.

CHROMIUM = Path(os.environ.get("ADVISOR_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "test-results" / "screenshots"
_skipped_browser_tests: list[str] = []

# Playwright's sync API runs an event loop; the ORM and live_server must not mind.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and no Chromium at {CHROMIUM}: .ci/run must install it (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


def pytest_runtest_logreport(report):
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)


def pytest_terminal_summary(terminalreporter):
    if FUZZ["requests"]:
        terminalreporter.write_line(f"fuzz: {FUZZ['requests']} generated requests, {FUZZ['5xx']} answered 5xx")
    if _skipped_browser_tests:
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", bold=True, red=True)
        terminalreporter.write_line(f"{len(_skipped_browser_tests)} browser tests did not run: no Chromium at {CHROMIUM}.")
        terminalreporter.write_line("Install it (apt-get install chromium) or run under CI=true to make this a failure.")


# A production server ------------------------------------------------------------


@dataclass
class Served:
    url: str
    env: dict[str, str]
    log: Path  # gunicorn's stderr: its own log and the app's (LOGGING sends errors there)

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve(tmp_path):
    """Start gunicorn in production mode (4 workers) after `migrate` alone, as an operator would.

    Runs on the test run's PostgreSQL when DATABASE_URL names one, else on a fresh SQLite file.
    """
    servers = []

    def start(**extra_env: str) -> Served:
        port = _free_port()
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url.startswith("postgres"):
            database_url = f"sqlite:///{tmp_path / f'served-{port}.sqlite3'}"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SECRET_KEY": "served-test-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            **extra_env,
        }
        served = Served(f"http://127.0.0.1:{port}", env, tmp_path / f"gunicorn-{port}.log")
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            result = served.manage(*command)
            assert result.returncode == 0, result.stdout + result.stderr
        log = served.log.open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "advisor.wsgi", "--workers", "4", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT,
            env=env,
            stderr=log,
        )
        servers.append((server, log))
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{served.url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        return served

    yield start
    for server, log in servers:
        server.terminate()
        server.wait(timeout=10)
        log.close()
