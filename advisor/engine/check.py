"""The deeper checks behind `check_rules`: they walk every sequence of answers.

Start-up checks that a rule book is well formed; these check that it makes
sense as a whole: every question can be reached, every available candidate
can come out on top, every rule can fire, and every example gives what it
promises. Domains are kept small (at most MAX_QUESTIONS questions of at most
MAX_CHOICES choices) so walking every sequence stays quick and a person can
still reason about the domain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .evaluate import Advice, evaluate, question_next
from .model import Domain, Example, RuleBook
from .problems import Problem

MAX_QUESTIONS = 8
MAX_CHOICES = 6
MAX_PATHS = 300_000


@dataclass(frozen=True, slots=True)
class Coverage:
    domain: str
    rules_exercised: int
    rules_total: int
    candidates_on_top: int
    candidates_available: int
    questions_reachable: int
    questions_total: int
    examples: int
    todo: int

    def __str__(self) -> str:
        return (
            f"{self.domain}: rules exercised by examples {self.rules_exercised}/{self.rules_total}, "
            f"candidates that can come out on top {self.candidates_on_top}/{self.candidates_available}, "
            f"questions reachable {self.questions_reachable}/{self.questions_total}, "
            f"examples {self.examples} ({self.todo} todo)"
        )


@dataclass(frozen=True, slots=True)
class Report:
    problems: tuple[Problem, ...]
    todos: tuple[str, ...]  # known gaps, reported but not failing
    coverage: tuple[Coverage, ...]


def rulebook_check(book: RuleBook) -> Report:
    problems: list[Problem] = []
    todos: list[str] = []
    coverage = []
    for domain in book.domains:
        domain_problems, domain_todos, domain_coverage = _domain_check(domain, book.version)
        problems += domain_problems
        todos += domain_todos
        coverage.append(domain_coverage)
    return Report(tuple(sorted(problems)), tuple(todos), tuple(coverage))


def _split(location: str) -> tuple[str, int]:
    path, _, line = location.rpartition(":")
    return path, int(line)


def _problem(location: str, message: str, fix: str) -> Problem:
    return Problem(*_split(location), message, fix)


def _domain_check(domain: Domain, version: str) -> tuple[list[Problem], list[str], Coverage]:
    problems = _size_problems(domain)
    questions = domain.asked_questions
    available = [c for c in domain.candidates if c.available]
    reached: set[str] = set()
    on_top: set[str] = set()
    can_fire: set[str] = set()
    if not problems:
        for advice in every_path(domain, version):
            reached.update(q for q, _ in advice.answers)
            can_fire.update(advice.fired)
            if advice.top is not None:
                on_top.add(advice.top.candidate.id)
        for question in questions:
            if question.id not in reached:
                problems.append(
                    _problem(
                        question.location,
                        f"question '{question.id}' is never asked",
                        "no sequence of answers satisfies its ask_if; loosen it or remove the question",
                    )
                )
        for candidate in available:
            if candidate.id not in on_top:
                problems.append(
                    _problem(
                        candidate.location,
                        f"candidate '{candidate.id}' never comes out on top",
                        "no sequence of answers ranks it first; add or strengthen a rule that favours it",
                    )
                )
        for rule in domain.active_rules:
            if rule.id not in can_fire:
                problems.append(
                    _problem(
                        rule.location,
                        f"rule '{rule.id}' can never fire",
                        "its `when` cannot hold for any sequence of answers (check it against the questions' ask_if)",
                    )
                )

    todos: list[str] = []
    exercised: set[str] = set()
    for example in domain.examples:
        advice = evaluate(domain, dict(example.answers), rules_version=version)
        failures = example_failures(domain, example, version, advice=advice)
        if example.todo:
            state = "still fails" if failures else "now passes: remove `todo`"
            todos.append(f"{example.location}: todo example '{example.id}' {state} ({example.todo})")
            continue
        problems += failures
        if not failures:
            exercised.update(advice.fired)

    coverage = Coverage(
        domain=domain.id,
        rules_exercised=len(exercised),
        rules_total=len(domain.active_rules),
        candidates_on_top=len(on_top),
        candidates_available=len(available),
        questions_reachable=len(reached),
        questions_total=len(questions),
        examples=len(domain.examples),
        todo=sum(1 for e in domain.examples if e.todo),
    )
    return problems, todos, coverage


def _size_problems(domain: Domain) -> list[Problem]:
    problems = []
    if len(domain.asked_questions) > MAX_QUESTIONS:
        problems.append(
            _problem(
                domain.location,
                f"domain '{domain.id}' asks {len(domain.asked_questions)} questions, over {MAX_QUESTIONS}",
                "split it into two domains: each should be one decision",
            )
        )
    for question in domain.asked_questions:
        if len(question.offered_choices) > MAX_CHOICES:
            problems.append(
                _problem(
                    question.location,
                    f"question '{question.id}' offers {len(question.offered_choices)} choices, over {MAX_CHOICES}",
                    "merge choices or split the question",
                )
            )
    paths = 1
    for question in domain.asked_questions:
        paths *= len(question.offered_choices)
    if not problems and paths > MAX_PATHS:
        problems.append(
            _problem(
                domain.location,
                f"domain '{domain.id}' has up to {paths:,} answer combinations, over {MAX_PATHS:,}",
                "ask fewer questions or offer fewer choices",
            )
        )
    return problems


def every_path(domain: Domain, version: str) -> Iterator[Advice]:
    """Every complete sequence of answers a person can give, as advice.

    It follows the evaluator's own idea of the next question, so ask_if is
    honoured exactly as the questionnaire honours it.
    """

    def walk(answers: dict[str, str]) -> Iterator[Advice]:
        question = question_next(domain, answers)
        if question is None:
            yield evaluate(domain, answers, rules_version=version)
            return
        for choice in question.offered_choices:
            yield from walk({**answers, question.id: choice.id})

    yield from walk({})


def example_failures(domain: Domain, example: Example, version: str, *, advice: Advice | None = None) -> list[Problem]:
    """Why the example does not hold, as problems at its location (empty when it holds).

    `advice` is evaluate()'s answer for the example's answers, when the caller already has it.
    """
    answers = dict(example.answers)
    if advice is None:
        advice = evaluate(domain, answers, rules_version=version)
    failures = []

    def fail(message: str, fix: str) -> None:
        failures.append(_problem(example.location, f"example '{example.id}': {message}", fix))

    given, canonical = set(answers), {q for q, _ in advice.answers}
    if given - canonical:
        fail(
            f"answers questions that are not asked on this path: {', '.join(sorted(given - canonical))}",
            "remove those answers (their ask_if is false here)",
        )
    if not advice.complete:
        fail(f"leaves question '{advice.next_question.id}' unanswered", "answer every question asked on this path")
    top = advice.top.candidate.id if advice.top else None
    if top != example.top:
        ranking = ", ".join(f"{s.candidate.id} {s.score}" for s in advice.recommendations[:3])
        fail(
            f"expected '{example.top}' on top, got '{top}' (scores: {ranking})",
            "adjust the rules' weights, or the expectation if the advice is right",
        )
    out = {s.candidate.id for s in advice.ruled_out}
    for candidate_id in example.ruled_out:
        if candidate_id not in out:
            fail(f"expected '{candidate_id}' to be ruled out, but it was not", "add a rule_out, or drop the expectation")
    for rule_id in example.fires:
        if rule_id not in advice.fired:
            fail(f"expected rule '{rule_id}' to fire, but it did not", "check the rule's `when` against these answers")
    for rule_id in example.does_not_fire:
        if rule_id in advice.fired:
            fail(f"expected rule '{rule_id}' not to fire, but it did", "narrow the rule's `when`")
    return failures
