"""`make bench`: every figure of issues 6, 13 and 14, as `name: value unit`, then each budget met or missed.

Run with `python -m bench` from the repository root (make bench does). Needs
wrk (`apt-get install -y wrk`) for the HTTP figures; without it those are
skipped, loudly.
"""

from __future__ import annotations

import sys
import time

from . import designs, diagram, engine, http

# Each HTTP figure alternates ROUNDS runs of the page and of /healthz, SECONDS each:
# long enough for a steady rate, short enough for a bench under two minutes.
ROUNDS = 3
SECONDS = 2  # wrk takes whole seconds
PATHS = 300  # different answer sets per run; fits the result cache (ADVISOR_RESULT_CACHE_MB: 1.5 MB of them)
# More than a worker keeps: its 10 MB budget (ADVISOR_RESULT_CACHE_MB) holds about 650 plain
# (uncompressed) result pages, and each worker sees well over 1,000 different ones in the fill.
FILL_PATHS = 3_000
FILL_HEADERS = {"Accept-Encoding": "identity"}  # kept plain: three times the bytes of gzip

# (figure, comparison, limit): issue 6's budget on this machine.
BUDGETS = [
    ("http_result_cold_ratio", ">=", 0.25),
    ("http_result_warm_ratio", ">=", 0.8),
    ("http_result_repeated_ratio", ">=", 0.9),
    ("http_not_modified_ratio", ">=", 0.9),
    ("http_htmx_step_ratio", ">=", 0.35),
    ("evaluate_shipped_median", "<=", 50.0),
    ("evaluate_10000_rules_median", "<=", 5000.0),
    ("load_shipped", "<=", 150.0),
    ("result_page_weight_gzip", "<=", 40.0),
    ("rss_per_worker_max", "<=", 80.0),
    ("rss_per_worker_caches_full_max", "<=", 80.0),
    # issue 13: designs
    ("http_design_result_cold_ratio", ">=", 0.1),
    ("http_design_result_warm_ratio", ">=", 0.8),
]

figures: dict[str, float] = {}


def _number(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def say(name: str, value: float, unit: str) -> None:
    figures[name] = value
    print(f"{name}: {_number(value)} {unit}", flush=True)


def load(name: str, measured: http.Load, healthz: http.Load) -> None:
    if measured.bad_responses:
        print(f"warning: {name}: {measured.bad_responses} responses were not 2xx/3xx", flush=True)
    say(f"{name}_ratio", measured.requests_per_second / healthz.requests_per_second, "x healthz")
    say(f"{name}_rate", measured.requests_per_second, "req/s")
    say(f"{name}_p50", measured.latency_p50_ms, "ms")
    say(f"{name}_p99", measured.latency_p99_ms, "ms")
    say(f"{name}_healthz_rate", healthz.requests_per_second, "req/s")


def step_paths(results: list[str]) -> list[str]:
    """Questionnaire steps part-way through the same answer sets (each a different fragment)."""
    steps = []
    for path in results:
        domain, query = path.split("/result?")
        answers = query.split("&")  # already encoded, in canonical order
        steps.append(f"{domain}/?{'&'.join(answers[: len(answers) // 2])}")
    return steps


def _expect(holds: bool, problem: str) -> None:
    if not holds:
        raise SystemExit(f"bench: {problem}")


def _expect_pages_and_fragments(base: str, paths: list[str], steps: list[str]) -> None:
    """Measure what we mean to: every URL a 200 page, every step an htmx fragment (not a redirect)."""
    for path in paths:
        status, _, _ = http.fetch(base, path)
        _expect(status == 200, f"{path} answered {status}, not 200")
    for path in steps:
        status, _, body = http.fetch(base, path, {"HX-Request": "true"})
        _expect(status == 200 and b"<html" not in body, f"{path} answered {status}, not a fragment")


def _conditional_headers(base: str, path: str) -> dict[str, str]:
    """If-None-Match with the page's gzip representation's ETag, checked to get a 304."""
    _, headers, _ = http.fetch(base, path, http.LOAD_HEADERS)
    conditional = {"If-None-Match": headers["ETag"]}
    status, _, _ = http.fetch(base, path, {**http.LOAD_HEADERS, **conditional})
    _expect(status == 304, f"a conditional GET of {path} answered {status}, not 304")
    return conditional


def http_figures() -> None:
    paths = http.result_paths(PATHS)
    steps = step_paths(paths)
    htmx = {"HX-Request": "true"}

    with http.server(result_cache=False) as base:
        _expect_pages_and_fragments(base, paths, steps)
        load("http_result_cold", *http.paired(base, paths, rounds=ROUNDS, seconds=SECONDS))
        load("http_htmx_step", *http.paired(base, steps, rounds=ROUNDS, seconds=SECONDS, headers=htmx))
        raw, compressed = http.page_weight(base, paths[0])
        say("result_page_weight", raw / 1024, "KiB")
        say("result_page_weight_gzip", compressed / 1024, "KiB")

    with http.server(result_cache=True) as base:
        http.wrk(base, paths, seconds=3)  # warm-up: each worker keeps each page
        load("http_result_warm", *http.paired(base, paths, rounds=ROUNDS, seconds=SECONDS))
        load("http_result_repeated", *http.paired(base, paths[:1], rounds=ROUNDS, seconds=SECONDS))
        conditional = _conditional_headers(base, paths[0])
        load("http_not_modified", *http.paired(base, paths[:1], rounds=ROUNDS, seconds=SECONDS, headers=conditional))
        rss = [http.rss_mib(pid) for pid in http.worker_pids(base)]
        say("rss_per_worker_max", max(rss), "MiB")
        say("rss_per_worker_min", min(rss), "MiB")
        # And with every cache full: more bytes of pages than a worker keeps.
        http.wrk(base, http.result_paths(FILL_PATHS), seconds=8, headers=FILL_HEADERS)
        say("rss_per_worker_caches_full_max", max(http.rss_mib(pid) for pid in http.worker_pids(base)), "MiB")


DESIGN_PATHS = 200  # distinct designs per run, drawn across every blueprint
# "First visit": designs no request has asked for before, 1-second rounds of 450 each (a worker
# renders some 150 a second); kept fragments (cards, answers, diagrams) still build up meanwhile,
# as they do in a running worker.
FIRST_VISIT_ROUNDS = 3
FIRST_VISIT_PER_ROUND = 450


def design_figures() -> None:
    """Issue 13: a design result page cold, warm and 304, and a design htmx step; and designs on a first visit."""
    answer_sets = designs.design_answer_sets(DESIGN_PATHS + FIRST_VISIT_ROUNDS * FIRST_VISIT_PER_ROUND)
    paths = [designs.result_path(b, answers) for b, answers in answer_sets[:DESIGN_PATHS]]
    steps = [designs.step_path(b, answers) for b, answers in answer_sets[:DESIGN_PATHS]]
    unseen = [designs.result_path(b, answers) for b, answers in answer_sets[DESIGN_PATHS:]]
    first_rounds = [unseen[i * FIRST_VISIT_PER_ROUND : (i + 1) * FIRST_VISIT_PER_ROUND] for i in range(FIRST_VISIT_ROUNDS)]
    htmx = {"HX-Request": "true"}
    with http.server(result_cache=False) as base:
        _expect_pages_and_fragments(base, paths, steps)
        load("http_design_result_cold", *http.paired(base, paths, rounds=ROUNDS, seconds=SECONDS))
        load("http_design_htmx_step", *http.paired(base, steps, rounds=ROUNDS, seconds=SECONDS, headers=htmx))
        load("http_design_result_first_visit", *http.paired_rounds(base, first_rounds, seconds=SECONDS, page_seconds=1))
        _, compressed = http.page_weight(base, paths[0])
        say("design_page_weight_gzip", compressed / 1024, "KiB")
    with http.server(result_cache=True) as base:
        http.wrk(base, paths, seconds=3)  # warm-up
        load("http_design_result_warm", *http.paired(base, paths, rounds=ROUNDS, seconds=SECONDS))
        conditional = _conditional_headers(base, paths[0])
        load("http_design_not_modified", *http.paired(base, paths[:1], rounds=ROUNDS, seconds=SECONDS, headers=conditional))


def budgets() -> None:
    print("\nbudgets (issue 6, this machine):")
    for name, comparison, limit in BUDGETS:
        if name not in figures:
            print(f"  not measured  {name}")
            continue
        value = figures[name]
        met = value >= limit if comparison == ">=" else value <= limit
        print(f"  {'met   ' if met else 'MISSED'}  {name}: {_number(value)} {comparison} {limit:g}")


def main() -> int:
    started = time.monotonic()
    for name, value, unit in engine.figures():
        say(name, value, unit)
    for name, value, unit in diagram.figures():
        say(name, value, unit)
    if http.wrk_available():
        http_figures()
        design_figures()
    else:
        print("skipped: HTTP figures need wrk (apt-get install -y wrk)", file=sys.stderr, flush=True)
    say("bench_duration", time.monotonic() - started, "s")
    budgets()
    return 0  # a benchmark reports; the budget lines above say what was missed


if __name__ == "__main__":
    sys.exit(main())
