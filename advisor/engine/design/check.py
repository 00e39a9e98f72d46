"""The deeper checks of a blueprint, behind `check_rules`.

The decisions need no walk of their own: each is its domain's evaluation, which the
domain checks walk exhaustively. What a blueprint adds is conditions across
decisions, and those are checked over the *projection* they read (DESIGN.md,
"Exhaustive checks that scale"), never the product of several domains' paths: a
condition can hold when some combination of the values its facts can take makes
it surely true. A fact's values: a question's offered choices; a decision's chosen
service, any candidate that its domain ranks first (for answers that decide it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ..check import _problem, every_path
from ..evaluate import truth
from ..model import AllOf, AnyOf, Condition, Domain, Match, Not, RuleBook, condition_questions
from .evaluate import MADE, NOT_ASKED, SKIPPED, design_answers_parse, design_evaluate
from .model import CHOSEN_PREFIX, Blueprint, BlueprintExample


@dataclass(frozen=True, slots=True)
class BlueprintCoverage:
    blueprint: str
    findings_exercised: int
    findings_total: int
    decisions_reachable: int
    decisions_total: int
    examples: int

    def __str__(self) -> str:
        return (
            f"design {self.blueprint}: findings exercised by examples {self.findings_exercised}/{self.findings_total}, "
            f"decisions that can be made {self.decisions_reachable}/{self.decisions_total}, examples {self.examples}"
        )


@cache
def _tops(domain: Domain, version: str) -> frozenset[str]:
    """The candidates a domain can rank first for answers that decide it."""
    return frozenset(advice.top.candidate.id for advice in every_path(domain, version) if advice.top is not None and advice.decided)


def _values(book: RuleBook, blueprint: Blueprint, key: str) -> tuple[object, ...]:
    """Every value a fact can have, the unknown (absent) and a skipped decision's included."""
    absent = (None, NOT_ASKED)
    if key.startswith(CHOSEN_PREFIX):
        domain = book.domain(key.removeprefix(CHOSEN_PREFIX))
        return (*sorted(_tops(domain, book.version)), *absent)
    domain_id, dot, question_id = key.partition(".")
    question = (book.domain(domain_id) if dot else blueprint.scope).question(question_id if dot else key)
    return (*(c.id for c in question.offered_choices if not c.unsure), *absent)


def can_hold(book: RuleBook, blueprint: Blueprint, condition: Condition) -> bool:
    """Whether some combination of the values the condition reads makes it surely true."""
    keys = condition_questions(condition)
    for values in itertools.product(*(_values(book, blueprint, key) for key in keys)):
        facts = {key: value for key, value in zip(keys, values, strict=True) if value is not None}
        if truth(condition, facts) is True:
            return True
    return False


def blueprint_check(book: RuleBook, blueprint: Blueprint) -> tuple[list, BlueprintCoverage]:
    problems = []
    reachable = 0
    for spec in blueprint.decisions:
        if spec.ask_if is None or can_hold(book, blueprint, spec.ask_if):
            reachable += 1
        else:
            problems.append(
                _problem(spec.location, f"decision '{spec.domain}' is never made", "no answers make its ask_if hold: loosen or remove it")
            )
    for finding in blueprint.findings:
        if not can_hold(book, blueprint, finding.when):
            problems.append(
                _problem(
                    finding.location,
                    f"finding '{finding.id}' can never hold",
                    "no combination of the answers and chosen services it reads makes its `when` true",
                )
            )
    exercised: set[str] = set()
    for example in blueprint.examples:
        failures, fired = example_check(book, blueprint, example)
        problems += failures
        if not failures:
            exercised |= fired
    for finding in blueprint.findings:
        if finding.id not in exercised:
            problems.append(
                _problem(
                    finding.location,
                    f"finding '{finding.id}' is exercised by no example",
                    "add an example of the blueprint whose expect.findings names it",
                )
            )
    coverage = BlueprintCoverage(
        blueprint=blueprint.id,
        findings_exercised=len(exercised & {f.id for f in blueprint.findings}),
        findings_total=len(blueprint.findings),
        decisions_reachable=reachable,
        decisions_total=len(blueprint.decisions),
        examples=len(blueprint.examples),
    )
    return problems, coverage


def example_check(book: RuleBook, blueprint: Blueprint, example: BlueprintExample) -> tuple[list, set[str]]:
    """Why the example does not hold (problems at its line), and the findings it fired."""
    failures = []

    def fail(message: str, fix: str) -> None:
        failures.append(_problem(example.location, f"example '{example.id}': {message}", fix))

    try:
        answers = design_answers_parse(book, blueprint, dict(example.answers))
    except Exception as error:  # AnswerError; the loader already named unknown ids
        fail(f"its answers cannot be read: {error}", "fix the answers")
        return failures, set()
    design = design_evaluate(book, blueprint, answers, rules_version=book.version)
    extra = set(answers) - {key for key, _ in design.answers}
    if extra:
        fail(f"answers questions that are not asked on this path: {', '.join(sorted(extra))}", "remove those answers (carried or skipped)")
    if not design.complete:
        fail(f"leaves question '{design.next_question.key}' unanswered", "answer every question asked on this path")
        return failures, set()
    for domain_id, candidate_id in example.chosen:
        outcome = design.outcome(domain_id)
        got = outcome.chosen.id if outcome.chosen else ("skipped" if outcome.status == SKIPPED else "nothing decided")
        if got != candidate_id:
            fail(f"expected '{candidate_id}' chosen for '{domain_id}', got '{got}'", "adjust the answers, or the expectation")
    for domain_id in example.skipped:
        if design.outcome(domain_id).status != SKIPPED:
            fail(f"expected decision '{domain_id}' skipped, but it was made", "check the decision's ask_if")
    fired = {f.finding.id for f in design.findings}
    for finding_id in example.findings:
        if finding_id not in fired:
            fail(f"expected finding '{finding_id}' to hold, but it did not", "check the finding's `when` against these answers")
    for finding_id in example.no_findings:
        if finding_id in fired:
            fail(f"expected finding '{finding_id}' not to hold, but it did", "narrow the finding's `when`")
    return failures, fired


def decisions_made(book: RuleBook, blueprint: Blueprint, answers: dict[str, str]) -> Iterator:
    """(outcome, the domain's own answers) for each decision made: tests compare them with single-domain results."""
    design = design_evaluate(book, blueprint, answers, rules_version=book.version)
    for outcome in design.decisions:
        if outcome.status == MADE:
            yield outcome, dict(outcome.advice.answers)


# The CloudFormation starter's fragments ------------------------------------------

NOT_COVERED = "'{domain}' can choose '{candidate}', which no fragment builds and rules/fragments/not-built.yaml does not list"
NOT_COVERED_FIX = "add a fragment whose `when` chooses it (rules/fragments/<id>.yaml), or list it under not_built with the reason"


@dataclass(frozen=True, slots=True)
class FragmentCoverage:
    fragments: int
    built: int  # candidates of the blueprints' decisions that a fragment builds
    not_built: int  # ... that not-built.yaml lists, with a reason
    links: int

    def __str__(self) -> str:
        return (
            f"fragments {self.fragments}: candidates built {self.built}, listed as not built {self.not_built}, "
            f"wiring between fragments {self.links}"
        )


def _chosen_tests(condition: Condition | None) -> Iterator[tuple[str, frozenset[str]]]:
    """(domain, candidates) of every `chosen` test in a condition (not under `not`)."""
    match condition:
        case Match(question=key, choices=choices) if key.startswith(CHOSEN_PREFIX):
            yield key.removeprefix(CHOSEN_PREFIX), choices
        case AllOf(parts=parts) | AnyOf(parts=parts):
            for part in parts:
                yield from _chosen_tests(part)


def fragments_check(book: RuleBook) -> tuple[list, FragmentCoverage]:
    """Every available candidate of every blueprint decision is built by a fragment or listed as not built."""
    built = {(domain, c) for f in book.fragments for domain, cs in _chosen_tests(f.when) for c in cs}
    listed = {(n.domain, n.candidate) for n in book.not_built}
    problems, counted_built, counted_listed, seen = [], 0, 0, set()
    for blueprint in book.blueprints:
        for spec in blueprint.decisions:
            domain = book.domain(spec.domain)
            for candidate in domain.candidates:
                key = (domain.id, candidate.id)
                if not candidate.available or key in seen:
                    continue
                seen.add(key)
                if key in built:
                    counted_built += 1
                elif key in listed or (domain.id, None) in listed:
                    counted_listed += 1
                else:
                    message = NOT_COVERED.format(domain=domain.id, candidate=candidate.id)
                    problems.append(_problem(spec.location, message, NOT_COVERED_FIX))
    links = sum(len(link.to) for f in book.fragments for link in f.links)
    return problems, FragmentCoverage(len(book.fragments), counted_built, counted_listed, links)


OTHER_VALUE = "(another value)"  # a fact value no condition tests for


def _tested(condition: Condition | None) -> dict[str, set[str]]:
    """Every fact a condition reads, with the values it tests for."""
    found: dict[str, set[str]] = {}

    def walk(node: Condition | None, negated: bool = False) -> None:
        match node:
            case Match(question=key, choices=choices):
                # Under `not`, a value it does not test is needed to make it hold.
                found.setdefault(key, set()).update(choices | ({OTHER_VALUE} if negated else set()))
            case AllOf(parts=parts) | AnyOf(parts=parts):
                for part in parts:
                    walk(part, negated)
            case Not(part=part):
                walk(part, not negated)

    walk(condition)
    return found


def fragment_combinations(book: RuleBook) -> tuple[frozenset[str], ...]:
    """The covering set of fragment combinations (DESIGN.md, "Exhaustive checks that scale"):
    every fragment, and every pair wired by a link, in at least one combination.

    Each requirement (a fragment, or a linked pair) is met over the projection its
    conditions read: the first assignment, over the values those conditions test (or
    unknown), that makes both surely hold, every other fact unknown. Assignments that
    do not contradict each other are then merged while every requirement in them still
    holds, so the set stays small; each combination is every fragment whose `when`
    surely holds for its facts."""
    by_id = {f.id: f for f in book.fragments}

    def holding(facts: dict[str, str]) -> frozenset[str]:
        return frozenset(f.id for f in book.fragments if f.when is None or truth(f.when, facts) is True)

    def assignment(wanted: tuple[str, ...]) -> dict[str, str] | None:
        tested: dict[str, set[str]] = {}
        for fragment_id in wanted:
            for key, values in _tested(by_id[fragment_id].when).items():
                tested.setdefault(key, set()).update(values)
        keys = sorted(tested)
        for values in itertools.product(*((*sorted(tested[k]), None) for k in keys)):
            facts = {k: v for k, v in zip(keys, values, strict=True) if v is not None}
            if set(wanted) <= holding(facts):
                return facts
        return None

    requirements = [(f.id,) for f in book.fragments]
    requirements += [(f.id, to) for f in book.fragments for link in f.links for to in link.to if to in by_id]
    groups: list[tuple[dict[str, str], set[str]]] = []
    for wanted in requirements:
        facts = assignment(wanted)
        if facts is None:
            continue
        for group_facts, group_wanted in groups:
            if any(group_facts.get(k, v) != v for k, v in facts.items()):
                continue
            merged = {**group_facts, **facts}
            if group_wanted | set(wanted) <= holding(merged):
                group_facts.update(facts)
                group_wanted.update(wanted)
                break
        else:
            groups.append((facts, set(wanted)))
    return tuple(dict.fromkeys(holding(facts) for facts, _ in groups))


def _names(fragment) -> set[str]:
    names = set(fragment.parameters) | set(fragment.conditions) | set(fragment.resources) | set(fragment.outputs)
    for link in fragment.links:
        names |= set(link.resources) | set(link.outputs)
    return names


def _applied(fragment, present: set[str]) -> tuple[bool, ...]:
    return tuple(any(to in present for to in link.to) for link in fragment.links)


def fragment_templates(book: RuleBook) -> tuple[frozenset[str], ...]:
    """The covering combinations packed into as few templates as keep each one's meaning:
    combinations share a template when no name clashes and every fragment's links wire
    exactly as in its own combination (alternatives of one decision, which no design
    holds together, can then share a template: cfn-lint's time goes by template)."""
    by_id = {f.id: f for f in book.fragments}
    bins: list[tuple[set[str], dict[str, set[str]]]] = []  # fragment ids, and each one's own combination
    for combination in sorted(fragment_combinations(book), key=lambda c: (-len(c), sorted(c))):
        for ids, origin in bins:
            new = set(combination) - ids
            union = ids | new
            if any(_names(by_id[a]) & _names(by_id[b]) for a in new for b in ids):
                continue
            if any(_applied(by_id[f], union) != _applied(by_id[f], origin[f]) for f in ids):
                continue
            if any(_applied(by_id[f], union) != _applied(by_id[f], set(combination)) for f in combination):
                continue
            ids |= new
            for f in new:
                origin[f] = set(combination)
            break
        else:
            bins.append((set(combination), {f: set(combination) for f in combination}))
    return tuple(frozenset(ids) for ids, _ in bins)
