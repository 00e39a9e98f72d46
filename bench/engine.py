"""The engine's figures: rule-book load + validation, check_rules, evaluation per answer set."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from advisor.engine import rulebook_load
from advisor.engine.check import every_path
from advisor.engine.evaluate import evaluate

from .synthetic import answer_sets, synthetic_write

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "rules"
SIZES = (1_000, 10_000)

# A fresh interpreter, so the figure is what start-up pays: validators built, nothing cached.
_COLD_LOAD = """
import sys, time
from pathlib import Path
from advisor.engine import rulebook_load
import advisor.engine.design.fragments, advisor.engine.design.loader  # imported inside rulebook_load: imports excluded here too
started = time.perf_counter()
book = rulebook_load(Path(sys.argv[1]))
print(time.perf_counter() - started)
"""


def load_seconds(rules_dir: Path, *, runs: int = 5) -> float:
    """Median wall time of a first load in a fresh process (imports excluded)."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _COLD_LOAD, str(rules_dir)], cwd=ROOT, capture_output=True, text=True, check=True)
        times.append(float(out.stdout))
    return statistics.median(times)


def check_rules_seconds(*, runs: int = 3) -> float:
    """Median wall time of `manage.py check_rules`, the whole command as an author runs it."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "check_rules"], cwd=ROOT, capture_output=True, check=True, env={"DJANGO_DEBUG": "1", "PATH": ""}
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def per_call(calls: list[Callable[[], object]], *, rounds: int) -> tuple[float, float]:
    """(median, p99) seconds per call, each call timed on its own, after one untimed round."""
    for call in calls:
        call()
    times = []
    for _ in range(rounds):
        for call in calls:
            started = time.perf_counter_ns()
            call()
            times.append(time.perf_counter_ns() - started)
    times.sort()
    return statistics.median(times) / 1e9, times[min(len(times) - 1, int(len(times) * 0.99))] / 1e9


def shipped_answer_sets() -> Iterator[tuple[object, dict[str, str]]]:
    """(domain, answers) for every complete answer sequence of every shipped domain."""
    book = rulebook_load(SHIPPED)
    for domain in book.domains:
        for advice in every_path(domain, book.version, every_choice=True):
            yield domain, dict(advice.answers)


def _evaluations(domain, answer_list) -> list[Callable[[], object]]:
    return [lambda answers=answers: evaluate(domain, answers, rules_version="bench") for answers in answer_list]


def template_seconds(count: int = 40) -> tuple[float, float]:
    """(median, p99) seconds to generate one design's CloudFormation starter, each design
    generated from scratch (design_template caches nothing)."""
    from advisor.engine.design import design_evaluate
    from advisor.engine.design.template import design_template

    from .designs import design_answer_sets

    book = rulebook_load(SHIPPED)
    designs = [
        design_evaluate(book, book.blueprint(b), dict(answers), rules_version=book.version) for b, answers in design_answer_sets(count)
    ]
    return per_call([lambda d=d: design_template(book, d, design_url="-") for d in designs], rounds=3)


def figures() -> Iterator[tuple[str, float, str]]:
    yield "load_shipped", load_seconds(SHIPPED) * 1e3, "ms"
    median, p99 = template_seconds()
    yield "design_template_median", median * 1e3, "ms"
    yield "design_template_p99", p99 * 1e3, "ms"
    yield "check_rules_shipped", check_rules_seconds() * 1e3, "ms"
    pairs = list(shipped_answer_sets())
    median, p99 = per_call([lambda d=d, a=a: evaluate(d, a, rules_version="bench") for d, a in pairs], rounds=5)
    yield "evaluate_shipped_median", median * 1e6, "µs"
    yield "evaluate_shipped_p99", p99 * 1e6, "µs"
    for size in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            rules_dir = synthetic_write(Path(folder), size)
            yield f"load_{size}_rules", load_seconds(rules_dir, runs=3) * 1e3, "ms"
            domain = rulebook_load(rules_dir).domains[0]
        calls = _evaluations(domain, answer_sets(2_000 if size <= 1_000 else 300))
        median, p99 = per_call(calls, rounds=3)
        yield f"evaluate_{size}_rules_median", median * 1e6, "µs"
        yield f"evaluate_{size}_rules_p99", p99 * 1e6, "µs"
