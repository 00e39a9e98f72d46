"""HTTP figures: gunicorn (2 sync workers, production settings) driven by wrk.

Every page figure is a ratio to the app's own `/healthz` measured against the
same server in the same run: this machine's speed cancels out, the cost of
the advisor's own work remains. Requests carry `X-Forwarded-Proto: https`, as
they do from the load balancer (production settings redirect plain HTTP), and
`Accept-Encoding: gzip, deflate, br`, as every browser and CDN sends.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
CONNECTIONS = 8  # enough to keep both workers busy while one waits on the socket
THREADS = int(os.environ.get("BENCH_WRK_THREADS", "1"))  # one wrk thread leaves the cores to the workers
HOST = "127.0.0.1"
HEADERS = {"X-Forwarded-Proto": "https", "Host": "localhost"}
# Load as browsers and CDNs send it: they all accept gzip (kept result pages are served compressed).
LOAD_HEADERS = {**HEADERS, "Accept-Encoding": "gzip, deflate, br"}


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    latency_p50_ms: float
    latency_p99_ms: float
    bad_responses: int


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _environment(folder: Path, *, result_cache: bool) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "ADVISOR_RESULT_CACHE": "1" if result_cache else "0",
    }


@contextmanager
def server(*, result_cache: bool) -> Iterator[str]:
    """A gunicorn serving the app with production settings; yields its base URL."""
    with tempfile.TemporaryDirectory() as folder:
        env = _environment(Path(folder), result_cache=result_cache)
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
        port = _free_port()
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"{HOST}:{port}", "--log-level", "warning", "advisor.wsgi"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        base = f"http://{HOST}:{port}"
        try:
            _wait_until_up(base)
            yield base
        finally:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)


def worker_pids(base: str) -> list[int]:
    """The gunicorn workers behind `base` (children of the master listening on its port)."""
    port = base.rsplit(":", 1)[1]
    master = subprocess.run(["pgrep", "-f", f"gunicorn.*{HOST}:{port}"], capture_output=True, text=True).stdout.split()
    pids = []
    for pid in master:
        pids += [int(child) for child in subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout.split()]
    return pids


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer /healthz within 30 s")


def fetch(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(base + path, headers={**HEADERS, **(headers or {})})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


_LUA = """
local paths = {%s}
local headers = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], headers)
end
"""


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(base: str, paths: list[str], *, seconds: int, headers: dict[str, str] | None = None) -> Load:
    """Drive `paths` round-robin for `seconds`; throughput, latency, and responses that were not 2xx/3xx."""
    all_headers = {**LOAD_HEADERS, **(headers or {})}
    script = _LUA % (
        ", ".join(map(_lua_string, paths)),
        ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in all_headers.items()),
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as file:
        file.write(script)
        file.flush()
        out = subprocess.run(
            ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", "-s", file.name, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return Load(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        latency_p50_ms=_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        latency_p99_ms=_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        bad_responses=int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)) else 0,
    )


def paired(base: str, paths: list[str], *, rounds: int, seconds: int, headers: dict[str, str] | None = None) -> tuple[Load, Load]:
    """(pages, /healthz) measured in alternating rounds, so both see the same machine.

    A single run of each drifts by several per cent on a shared machine;
    alternating short rounds and averaging cancels most of that out.
    """
    return paired_rounds(base, [paths] * rounds, seconds=seconds, headers=headers)


def paired_rounds(
    base: str, rounds: list[list[str]], *, seconds: int, page_seconds: int | None = None, headers: dict[str, str] | None = None
) -> tuple[Load, Load]:
    """paired(), with each round's own pages: e.g. pages no round has asked for before."""
    pages, yardsticks = [], []
    for paths in rounds:
        yardsticks.append(wrk(base, ["/healthz"], seconds=seconds))
        pages.append(wrk(base, paths, seconds=page_seconds or seconds, headers=headers))
    return _mean(pages), _mean(yardsticks)


def _mean(loads: list[Load]) -> Load:
    return Load(
        requests_per_second=sum(load.requests_per_second for load in loads) / len(loads),
        latency_p50_ms=sorted(load.latency_p50_ms for load in loads)[len(loads) // 2],
        latency_p99_ms=max(load.latency_p99_ms for load in loads),
        bad_responses=sum(load.bad_responses for load in loads),
    )


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 1e-3, "ms": 1, "s": 1e3, "m": 60e3}[unit]


def result_paths(count: int, rules_dir: Path | None = None) -> list[str]:
    """`count` result URLs in canonical form, spread over every domain of a rule book (the shipped one by default)."""
    from advisor.engine.check import every_path

    from .engine import SHIPPED, rulebook_load

    book = rulebook_load(rules_dir or SHIPPED)
    per_domain = [[f"/{d.id}/result?{urlencode(a.answers)}" for a in every_path(d, book.version, every_choice=True)] for d in book.domains]
    paths: list[str] = []
    while len(paths) < count and any(per_domain):
        for urls in per_domain:  # round-robin, so every domain is in the mix
            if urls and len(paths) < count:
                paths.append(urls.pop(len(urls) // 2))
    return paths


def page_weight(base: str, path: str) -> tuple[int, int]:
    """(bytes, gzip bytes) of a page plus every static file it links: styles, scripts, icon.

    gzip level 6, as a CDN or load balancer compresses on the way out.
    """
    status, _, body = fetch(base, path)
    if status != 200:
        raise SystemExit(f"bench: {path} answered {status}, not 200")
    total, compressed = len(body), len(gzip.compress(body, 6))
    for asset in sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode()))):
        _, _, content = fetch(base, asset)
        total += len(content)
        compressed += len(gzip.compress(content, 6))
    return total, compressed
