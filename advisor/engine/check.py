"""The deeper checks behind `check_rules`: the domain as a whole, and its examples.

Start-up checks that a rule book is well formed; these check that it makes
sense as a whole, over every complete sequence of answers a person can give:
every question can be reached, every available candidate can come out on
top and no retired one ever does, every rule can fire and is exercised by an
example, and every example gives what it promises. This module is the one
definition of "the rule book is green": `check_rules` prints its report and
the tests assert that the shipped book's report is clean.

The walk does not enumerate answer sequences (a domain of 12 questions of 6
choices has two billion). It walks *states*: after each question, what is
left of every rule's `when` and every later `ask_if` once the answers so far
are put in, plus the scores of the rules already fired (as much of them as
can still decide the top). Two answer prefixes that leave the same state
have the same futures, so each state is walked once; choices that no
condition tells apart are walked as one. The verdicts are exact, and tests
hold them equal to the plain walk's on generated domains.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .compiled import UNKNOWN, _packed, _unpacked
from .evaluate import _NOT_ASKED, Advice, _facts, evaluate, question_next, ranking_top, truth
from .model import AllOf, AnyOf, Condition, Domain, Example, Match, Not, Question, RuleBook, condition_questions
from .problems import Problem

if TYPE_CHECKING:
    from .design.check import BlueprintCoverage

# Guards, not design limits: a domain past them is no longer one decision a
# person can reason about, and the walk would take too long to be a check.
MAX_QUESTIONS = 12
MAX_CHOICES = 10
MAX_STATES = 2_000_000


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
    problems: tuple[Problem, ...]  # any problem means the book is not green
    todos: tuple[str, ...]  # known gaps that still fail: reported, not failing
    coverage: tuple[Coverage | BlueprintCoverage, ...]  # for --coverage; it decides nothing


def rulebook_check(book: RuleBook) -> Report:
    from .design.check import blueprint_check  # it builds on this module's walks

    problems: list[Problem] = []
    todos: list[str] = []
    coverage: list[Coverage | BlueprintCoverage] = []
    for domain in book.domains:
        domain_problems, domain_todos, domain_coverage = _domain_check(domain, book.version)
        problems += domain_problems
        todos += domain_todos
        coverage.append(domain_coverage)
    for blueprint in book.blueprints:
        blueprint_problems, blueprint_coverage = blueprint_check(book, blueprint)
        problems += blueprint_problems
        coverage.append(blueprint_coverage)
    return Report(tuple(sorted(set(problems))), tuple(todos), tuple(coverage))


def _split(location: str) -> tuple[str, int]:
    path, _, line = location.rpartition(":")
    return path, int(line)


def _problem(location: str, message: str, fix: str) -> Problem:
    return Problem(*_split(location), message, fix)


def _domain_check(domain: Domain, version: str) -> tuple[list[Problem], list[str], Coverage]:
    problems = _size_problems(domain)
    questions = domain.asked_questions
    available = [c for c in domain.candidates if c.available]
    walk = None
    if not problems:
        try:
            walk = domain_walk(domain, max_states=MAX_STATES)
        except WalkTooLarge as error:
            problems.append(
                _problem(
                    domain.location,
                    f"domain '{domain.id}' has over {error.limit:,} distinct answer states to check",
                    "split it into two decisions, or let each rule read fewer questions",
                )
            )
    if walk is not None:
        problems += _walk_problems(domain, walk)

    todos: list[str] = []
    exercised: set[str] = set()
    for example in domain.examples:
        advice = evaluate(domain, dict(example.answers), rules_version=version)
        failures = example_failures(domain, example, version, advice=advice)
        if example.todo:
            if failures:
                todos.append(f"{example.location}: todo example '{example.id}' still fails ({example.todo})")
            else:
                problems.append(_problem(example.location, f"todo example '{example.id}' now passes", "remove its `todo`"))
            continue
        problems += failures
        # A failing example still exercises what fired: its failure is reported already.
        exercised.update(advice.fired)
    never_fire = set() if walk is None else {r.id for r in domain.active_rules} - walk.fired
    for rule in domain.active_rules:
        if rule.id not in exercised and rule.id not in never_fire:
            problems.append(
                _problem(
                    rule.location,
                    f"rule '{rule.id}' is not exercised by any example",
                    f"add an example whose answers make it fire, with `fires: [{rule.id}]`",
                )
            )

    coverage = Coverage(
        domain=domain.id,
        rules_exercised=len(exercised & {r.id for r in domain.active_rules}),
        rules_total=len(domain.active_rules),
        candidates_on_top=0 if walk is None else len({c.id for c in available} & walk.on_top.keys()),
        candidates_available=len(available),
        questions_reachable=0 if walk is None else len(walk.reached),
        questions_total=len(questions),
        examples=len(domain.examples),
        todo=sum(1 for e in domain.examples if e.todo),
    )
    return problems, todos, coverage


def _walk_problems(domain: Domain, walk: Walk) -> list[Problem]:
    problems = []
    for question in domain.asked_questions:
        if question.id not in walk.reached:
            problems.append(
                _problem(
                    question.location,
                    f"question '{question.id}' is never asked",
                    "no sequence of answers satisfies its ask_if; loosen it or remove the question",
                )
            )
    for candidate in domain.candidates:
        if candidate.available and candidate.id not in walk.on_top:
            problems.append(
                _problem(
                    candidate.location,
                    f"candidate '{candidate.id}' never comes out on top",
                    "no sequence of answers ranks it first; add or strengthen a rule that favours it",
                )
            )
        if not candidate.available and candidate.id in walk.on_top:
            answers = " ".join(f"{q}={c}" for q, c in walk.on_top[candidate.id])
            problems.append(
                _problem(
                    candidate.location,
                    f"retired candidate '{candidate.id}' comes out on top (e.g. {answers})",
                    "a service that is not available must never be recommended; report this engine bug",
                )
            )
    for rule in domain.active_rules:
        if rule.id not in walk.fired:
            problems.append(
                _problem(
                    rule.location,
                    f"rule '{rule.id}' can never fire",
                    "its `when` cannot hold for any sequence of answers (check it against the questions' ask_if)",
                )
            )
    return problems


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
    return problems


# The files themselves -----------------------------------------------------------

SCHEMA_LINE = "# yaml-language-server: $schema="


# rules/ folders that hold another kind of file than a domain's, and the schema each kind has.
SCHEMA_OF_FOLDER = {"blueprints": "blueprint.schema.json", "fragments": "fragment.schema.json"}


def schema_path_for(path: Path, rules_dir: Path) -> str:
    """The schema path a rule file's first line names, relative to the file."""
    if path.parent == rules_dir:
        return "./rules.schema.json"
    return "../" + SCHEMA_OF_FOLDER.get(path.parent.name, "rules.schema.json")


def rule_files_lint(rules_dir: Path, *, display_root: Path) -> list[Problem]:
    """What a loader forgives but a review should not: a file that does not start
    with the line editors read the schema from, trailing spaces, no final newline.

    Any relative path to a rules.schema.json passes here, so that rule books
    kept elsewhere (the tests') can point at the shipped schema; tests/test_schema.py
    holds the shipped files to the exact path.
    """
    problems = []
    for path in sorted(Path(rules_dir).rglob("*.yaml")):
        try:
            shown = path.resolve().relative_to(display_root.resolve()).as_posix()
        except ValueError:
            shown = path.as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = text.splitlines()
        schema = schema_path_for(path, Path(rules_dir))
        first = lines[0] if lines else ""
        if not (first.startswith(SCHEMA_LINE) and first.endswith(schema.rsplit("/", 1)[1])):
            fix = f"make its first line `{SCHEMA_LINE}{schema}` (editors read the schema from it)"
            problems.append(Problem(shown, 1, "the file does not start with the schema line", fix))
        for number, line in enumerate(lines, 1):
            if line != line.rstrip():
                problems.append(Problem(shown, number, "trailing whitespace", "remove the spaces at the end of the line"))
        if text and not text.endswith("\n"):
            problems.append(Problem(shown, len(lines), "no newline at the end of the file", "end the last line with a newline"))
    return problems


# Choices that no condition tells apart ---------------------------------------------


def _matches(condition: Condition) -> Iterator[Match]:
    match condition:
        case Match():
            yield condition
        case Not(part=part):
            yield from _matches(part)
        case AllOf(parts=parts) | AnyOf(parts=parts):
            for part in parts:
                yield from _matches(part)


def choice_classes(domain: Domain, *others: Domain) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each asked question's offered choices, grouped so that choices of one group
    give the same truth to every condition (active rules' `when`, questions' `ask_if`)
    of `domain` and of `others` (say, the other side of a rules diff).

    Two choices are in one group when both are "not sure", or neither is and
    every `equals`/`one-of` naming the question holds for both or for neither.
    A question no condition reads has a single group. Groups and their choices
    keep file order; the first choice of a group stands for it.
    """
    reads: dict[str, list[frozenset[str]]] = {}
    for book_domain in (domain, *others):
        conditions = [r.when for r in book_domain.active_rules]
        conditions += [q.ask_if for q in book_domain.asked_questions if q.ask_if is not None]
        for condition in conditions:
            for test in _matches(condition):
                reads.setdefault(test.question, []).append(test.choices)
    classes = {}
    for question in domain.asked_questions:
        groups: dict[object, list[str]] = {}
        tests = reads.get(question.id)
        for choice in question.offered_choices:
            if tests is None:
                key: object = ()
            elif choice.unsure:
                key = "unsure"
            else:
                key = tuple(choice.id in choices for choices in tests)
            groups.setdefault(key, []).append(choice.id)
        classes[question.id] = tuple(tuple(group) for group in groups.values())
    return classes


# Every path, for other tools --------------------------------------------------------


def every_path(
    domain: Domain,
    version: str,
    *,
    classes: Mapping[str, tuple[tuple[str, ...], ...]] | None = None,
    every_choice: bool = False,
) -> Iterator[Advice]:
    """evaluate()'s Advice for each distinct complete answer path, in questionnaire order.

    A path answers exactly the questions asked on it (ask_if honoured as the
    questionnaire honours it: the walk follows question_next). At each question
    it takes one choice per group of `choice_classes(domain)` (or of `classes`,
    e.g. `choice_classes(old, new)` to compare two books on the same paths): the
    group's first choice stands for the others, which give the same facts to
    every condition and so the same fired rules, scores and ranking. So every
    answer set a person can give gets exactly the advice of one yielded path,
    the one where each answer is replaced by its group's first choice, and
    no two yielded paths are equivalent in that way. `advice.answers` is a
    complete, canonical answer set (a valid result URL); a question no
    condition reads appears answered with its first choice.

    `every_choice=True` takes every offered choice instead: every answer set a
    person can give, each once (exponential: for small domains and tests).
    """
    if classes is None and not every_choice:
        classes = choice_classes(domain)

    def options(question: Question) -> tuple[str, ...]:
        if every_choice:
            return tuple(c.id for c in question.offered_choices)
        return tuple(group[0] for group in classes[question.id])

    def walk(answers: dict[str, str]) -> Iterator[Advice]:
        question = question_next(domain, answers)
        if question is None:
            yield evaluate(domain, answers, rules_version=version)
            return
        for choice_id in options(question):
            yield from walk({**answers, question.id: choice_id})

    yield from walk({})


# The walk over states ------------------------------------------------------------


class WalkTooLarge(Exception):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"over {limit:,} states")


@dataclass(slots=True)
class Walk:
    """What every complete answer path of a domain can give."""

    reached: set[str]  # questions asked on at least one path
    fired: set[str]  # rules that fire on at least one path
    on_top: dict[str | None, tuple[tuple[str, str], ...]]  # top candidate (None: all ruled out) → one path to it
    states: int  # distinct states walked


type Residual = Condition | bool | None  # what is left of a condition; True/False/None once decided


def _assign(condition: Residual, question: str, value: object) -> Residual:
    """`condition` with `question`'s fact put in, simplified (Kleene logic, as truth())."""
    match condition:
        case Match(question=q, choices=choices):
            if q != question:
                return condition
            if value is UNKNOWN:
                return None
            return value is not _NOT_ASKED and value in choices
        case Not(part=part):
            inner = _assign(part, question, value)
            if inner is part:
                return condition
            return (not inner) if isinstance(inner, bool) else None if inner is None else Not(inner)
        case AllOf(parts=parts):
            return _junction(AllOf, parts, question, value, stop=False)
        case AnyOf(parts=parts):
            return _junction(AnyOf, parts, question, value, stop=True)
    return condition  # already decided


def _junction(kind: type, parts: tuple, question: str, value: object, *, stop: bool) -> Residual:
    # `all` stops at a False part, `any` at a True one; the neutral constant drops out.
    # An unknown part stays as one None among the rest: `all(None, x)` is False or unknown.
    kept: list = []
    unknown = False
    for part in parts:
        new = _assign(part, question, value) if part is not None else None
        if new is stop:
            return stop
        if new is None:
            unknown = True
        elif new is not (not stop):
            kept.append(new)
    if not kept:
        return None if unknown else not stop
    if unknown:
        kept.append(None)
    elif len(kept) == 1:
        return kept[0]
    return kind(tuple(kept))


def _can_be_true(condition: Residual) -> bool:
    """False only when no later answer can make the condition surely true (a sound over-estimate)."""
    match condition:
        case bool():
            return condition
        case None:
            return False
        case Match():
            return True
        case Not(part=part):
            return _can_be_false(part)
        case AllOf(parts=parts):
            return all(_can_be_true(p) for p in parts)
        case AnyOf(parts=parts):
            return any(_can_be_true(p) for p in parts)
    raise TypeError(condition)


def _can_be_false(condition: Residual) -> bool:
    match condition:
        case bool():
            return not condition
        case None:
            return False
        case Match():
            return True
        case Not(part=part):
            return _can_be_true(part)
        case AllOf(parts=parts):
            return any(_can_be_false(p) for p in parts)
        case AnyOf(parts=parts):
            return all(_can_be_false(p) for p in parts)
    raise TypeError(condition)


def _settle(condition: Residual) -> bool | None:
    """The residual's truth once nothing more will be answered (what is left is unknown)."""
    if condition is None or isinstance(condition, bool):
        return condition
    return truth(_unknowns_dropped(condition), {})


def _unknowns_dropped(condition: Condition) -> Condition:
    # truth() reads Match on an unanswered question as unknown; stand one in for None parts.
    match condition:
        case Not(part=part):
            return Not(_unknowns_dropped(part) if part is not None else _UNKNOWN_TEST)
        case AllOf(parts=parts) | AnyOf(parts=parts):
            return type(condition)(tuple(_UNKNOWN_TEST if p is None else _unknowns_dropped(p) for p in parts))
    return condition


_UNKNOWN_TEST = Match("", frozenset())  # no question has an empty id: always unknown


class _Residuals:
    """Residual conditions numbered once: states hash as tuples of ints, and what an
    answer does to a residual is worked out once however many states share it."""

    def __init__(self) -> None:
        self.items: list[Residual] = []
        self.numbers: dict[Residual, int] = {}
        self.steps: dict[tuple[int, str, object], int] = {}
        self.live: list[bool] = []  # can it still become surely true?
        self.settled: list[bool | None] = []  # its truth if nothing more is answered

    def number(self, residual: Residual) -> int:
        number = self.numbers.get(residual)
        if number is None:
            number = self.numbers[residual] = len(self.items)
            self.items.append(residual)
            self.live.append(_can_be_true(residual))
            self.settled.append(_settle(residual))
        return number

    def step(self, number: int, question: str, value: object) -> int:
        """The residual once `question` is answered `value`; False (numbered DONE by the walk)
        when no later answer can make it surely true."""
        key = (number, question, value)
        after = self.steps.get(key)
        if after is None:
            residual = _assign(self.items[number], question, value)
            after = self.steps[key] = self.number(residual if residual is True or _can_be_true(residual) else False)
        return after


def domain_walk(domain: Domain, *, max_states: int = MAX_STATES) -> Walk:
    """Walk every complete answer path of `domain` by its distinct states (see the module's docstring).

    A state is: the next question's number; what is left of each rule that is
    neither fired nor out of reach (nor already seen to fire elsewhere while it
    moves only candidates that are out here), and of each later question's ask_if; and
    the scores of the rules fired so far, reduced to what can still decide the
    top: candidates that are ruled out, or that no open rule can lift to the top,
    count as out, and the lowest eligible score is taken as zero (once no rule is
    open, that leaves just the top). Raises WalkTooLarge past `max_states`.
    """
    index = domain.index
    questions = domain.asked_questions
    count = index.candidate_count
    classes = choice_classes(domain)
    # Per question: (the choice standing for its group, the fact the group gives conditions).
    options = []
    for question in questions:
        row = []
        for group in classes[question.id]:
            choice = question.choice(group[0])
            row.append((choice.id, UNKNOWN if choice.unsure else choice.id))
        options.append(tuple(row))
    # Which rules, and which questions' ask_if, read each question: an answer touches only those.
    rule_readers = [tuple(p for p, qs in enumerate(index.questions) if q.id in qs) for q in questions]
    ask_readers = [
        tuple(k for k, later in enumerate(questions) if later.ask_if is not None and q.id in condition_questions(later.ask_if))
        for q in questions
    ]
    never = sum(1 << k for k, c in enumerate(domain.candidates) if not c.available)
    changes = [_unpacked(packed, count) for packed in index.score_changes]
    touches = [index.rules_out[p] | sum(1 << k for k, c in enumerate(changes[p]) if c) for p in range(len(changes))]
    residuals = _Residuals()
    TRUE, DONE = residuals.number(True), residuals.number(False)  # DONE: fired and counted, or out of reach
    steps, settled = residuals.steps, residuals.settled
    everyone, ids = range(len(index.rules)), index.ids
    walk = Walk(reached=set(), fired=set(), on_top={}, states=0)
    fired_ids = walk.fired
    seen: set[tuple] = set()
    reduced: dict[tuple, tuple[int, int]] = {}
    path: list[tuple[str, str]] = []

    def reduce(score: int, out: int, still_open: tuple[int, ...]) -> tuple[int, int]:
        """(score, out) keeping only what can still decide the top, given the rules still open."""
        key = (score, out, still_open)
        if key in reduced:
            return reduced[key]
        scores = _unpacked(score, count)
        gain, loss, threat = [0] * count, [0] * count, 0
        for position in still_open:
            for k, change in enumerate(changes[position]):
                if change > 0:
                    gain[k] += change
                else:
                    loss[k] -= change
            threat |= index.rules_out[position]
        out |= never
        eligible = [k for k in range(count) if not out >> k & 1]
        # A candidate no open rule can rule out ends at least at scores[j] - loss[j]; one that
        # cannot end above that (or ties it, listed later) never tops: it is as good as out.
        for j in eligible:
            if threat >> j & 1:
                continue
            floor = scores[j] - loss[j]
            for k in eligible:
                if k != j and (scores[k] + gain[k] < floor or (scores[k] + gain[k] == floor and j < k)):
                    out |= 1 << k
        eligible = [k for k in eligible if not out >> k & 1]
        # Adding one number to every eligible score changes no ranking; an out one is never read.
        base = min((scores[k] for k in eligible), default=0)
        reduced[key] = result = (_packed({k: scores[k] - base for k in eligible}), out)
        return result

    def put(number: int, value: object, rules: tuple, asks: tuple, score: int, out: int) -> None:
        question = questions[number].id
        rules_after = list(rules)
        changed = False
        for position in rule_readers[number]:
            residual = rules[position]
            if residual == DONE:
                continue
            after = steps.get((residual, question, value))
            if after is None:
                after = residuals.step(residual, question, value)
            if after == residual:
                continue
            if after == TRUE:
                walk.fired.add(index.ids[position])
                score += index.score_changes[position]
                out |= index.rules_out[position]
                after = DONE  # counted: the rule has nothing more to say
            if after == DONE:  # fired, or no later answer can make it fire
                changed = True
            rules_after[position] = after
        if changed:
            still_open = tuple([p for p in everyone if rules_after[p] != DONE])
            score, out = reduce(score, out, still_open)
            for position in still_open:
                # A rule known to fire somewhere, that moves only candidates now out, can change nothing here.
                if not touches[position] & ~out and ids[position] in fired_ids:
                    rules_after[position] = DONE
        asks_after = list(asks)
        asks_after[number] = DONE  # read already: no later state needs it
        for later in ask_readers[number]:
            # Asked only if its ask_if surely holds: one that cannot is as good as False (DONE).
            asks_after[later] = residuals.step(asks[later], question, value)
        visit(number + 1, tuple(rules_after), tuple(asks_after), score, out)

    def visit(number: int, rules: tuple, asks: tuple, score: int, out: int) -> None:
        key = (number, rules, asks, score, out)
        if key in seen:
            return  # same futures as a path walked before
        seen.add(key)
        walk.states += 1
        if walk.states > max_states:
            raise WalkTooLarge(max_states)
        if number == len(questions):
            for position, residual in enumerate(rules):
                if settled[residual] is True:  # what is left reads unasked questions: unknown
                    walk.fired.add(index.ids[position])
                    score += index.score_changes[position]
                    out |= index.rules_out[position]
            top = ranking_top(domain, _unpacked(score, count), out)
            walk.on_top.setdefault(None if top is None else top.id, tuple(path))
            return
        question = questions[number]
        if settled[asks[number]] is not True:
            put(number, _NOT_ASKED, rules, asks, score, out)
            return
        walk.reached.add(question.id)
        for choice_id, value in options[number]:
            path.append((question.id, choice_id))
            put(number, value, rules, asks, score, out)
            path.pop()

    start_rules = tuple(residuals.number(rule.when) for rule in index.rules)
    start_asks = tuple(residuals.number(True if q.ask_if is None else q.ask_if) for q in questions)
    visit(0, start_rules, start_asks, 0, 0)
    return walk


# Examples ---------------------------------------------------------------------


def example_failures(domain: Domain, example: Example, version: str, *, advice: Advice | None = None) -> list[Problem]:
    """Why the example does not hold, as problems at its location (empty when it holds);
    a rule it expects to fire that does not is also reported at the rule's line, with why.

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
            rule = domain.rule(rule_id)
            if rule is not None and rule in domain.active_rules:
                failures.append(
                    _problem(
                        rule.location,
                        f"rule '{rule_id}' did not fire for example '{example.id}': {why_not(domain, rule.when, answers)}",
                        "widen the rule's `when`, or fix the example's answers",
                    )
                )
    for rule_id in example.does_not_fire:
        if rule_id in advice.fired:
            fail(f"expected rule '{rule_id}' not to fire, but it did", "narrow the rule's `when`")
    return failures


# Why a rule did not fire, in words -------------------------------------------------


def why_not(domain: Domain, condition: Condition, answers: Mapping[str, str]) -> str:
    """The first part of `condition` that does not surely hold for `answers`, and what the answers say.

    E.g. "its condition needs engine=oracle, the example answers engine=open".
    """
    facts = _facts(domain, answers)[0]
    part = condition
    while isinstance(part, AllOf):  # `all` fails at its first part that does not hold
        part = next(p for p in part.parts if truth(p, facts) is not True)
    said = ", ".join(_answer_words(q, answers, facts) for q in condition_questions(part))
    return f"its condition needs {_words(part)}, the example answers {said}"


def _words(condition: Condition) -> str:
    match condition:
        case Match(question=question, choices=choices):
            if len(choices) == 1:
                return f"{question}={next(iter(choices))}"
            return f"{question} one of {', '.join(sorted(choices))}"
        case Not(part=Match(question=question, choices=choices)):
            return f"{question} not {' or '.join(sorted(choices))}"
        case Not(part=part):
            return f"not ({_words(part)})"
        case AllOf(parts=parts):
            return "all of (" + "; ".join(_words(p) for p in parts) + ")"
        case AnyOf(parts=parts):
            return "any of (" + "; ".join(_words(p) for p in parts) + ")"
    raise TypeError(condition)


def _answer_words(question_id: str, answers: Mapping[str, str], facts: Mapping[str, object]) -> str:
    fact = facts.get(question_id, UNKNOWN)
    if fact is _NOT_ASKED:
        return f"{question_id} not asked (its ask_if does not hold)"
    if question_id not in answers:
        return f"{question_id} unanswered"
    if fact is UNKNOWN:
        return f"{question_id}={answers[question_id]} (not sure, so unknown)"
    return f"{question_id}={answers[question_id]}"
