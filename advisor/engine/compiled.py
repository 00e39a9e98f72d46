"""A domain's rules arranged once, at load, so evaluation stays fast as books grow.

`evaluate.truth()` defines what a condition means and stays the readable
reference. Here each condition becomes a closure that gives the same answer
without dispatching on condition types per call, and each rule is filed under
one answer it cannot fire without (its *guard*), so an evaluation only tests
the rules whose guard the answers meet, plus those with no guard; a rule that
is nothing but such tests (`equals: {q: c}`, or an `any` of them) needs no test
at all. Issue 6's
budget is 10,000 rules in ≤ 5 ms; a Hypothesis test checks that the closures
and the index agree with `truth()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .model import AllOf, AnyOf, Condition, Match, Not, Rule, condition_questions

UNKNOWN = object()  # the fact for a question not answered yet, or answered "not sure"

type Facts = Mapping[str, object]
type Test = Callable[[Facts], bool | None]
# (candidate, "favour" | "disfavour" | "rule-out", weight or None for rule-out)
type Effect = tuple[str, str, int | None]


def condition_compile(condition: Condition) -> Test:
    """The condition as a function of the facts: True, False, or None for unknown."""
    match condition:
        case Match(question=question, choices=choices):

            def match(facts: Facts) -> bool | None:
                value = facts.get(question, UNKNOWN)
                return None if value is UNKNOWN else value in choices

            return match
        case Not(part=part):
            inner = condition_compile(part)

            def negation(facts: Facts) -> bool | None:
                value = inner(facts)
                return None if value is None else not value

            return negation
        case AllOf(parts=parts) if all(isinstance(part, Match) for part in parts):
            # The common shape, flattened: one call per rule instead of one per test.
            pairs = tuple((part.question, part.choices) for part in parts)

            def all_of_matches(facts: Facts) -> bool | None:
                result: bool | None = True
                for question, choices in pairs:
                    value = facts.get(question, UNKNOWN)
                    if value is UNKNOWN:
                        result = None
                    elif value not in choices:
                        return False
                return result

            return all_of_matches
        case AnyOf(parts=parts) if all(isinstance(part, Match) for part in parts):
            pairs = tuple((part.question, part.choices) for part in parts)

            def any_of_matches(facts: Facts) -> bool | None:
                result: bool | None = False
                for question, choices in pairs:
                    value = facts.get(question, UNKNOWN)
                    if value is UNKNOWN:
                        result = None
                    elif value in choices:
                        return True
                return result

            return any_of_matches
        case AllOf(parts=parts):
            tests = tuple(map(condition_compile, parts))

            def all_of(facts: Facts) -> bool | None:
                result: bool | None = True
                for test in tests:
                    value = test(facts)
                    if value is False:
                        return False
                    if value is None:
                        result = None
                return result

            return all_of
        case AnyOf(parts=parts):
            tests = tuple(map(condition_compile, parts))

            def any_of(facts: Facts) -> bool | None:
                result: bool | None = False
                for test in tests:
                    value = test(facts)
                    if value is True:
                        return True
                    if value is None:
                        result = None
                return result

            return any_of
    raise TypeError(condition)


def condition_guard(condition: Condition) -> Match | None:
    """A test the condition cannot surely hold without, or None if there is none.

    Only `equals`/`one-of` and `all` have one: an `any` can hold through any of
    its parts, and a `not` through answers nobody can list in advance.
    """
    match condition:
        case Match():
            return condition
        case AllOf(parts=parts):
            # The narrowest test (fewest choices) lets the fewest rules through to be tested.
            guards = [guard for part in parts if (guard := condition_guard(part)) is not None]
            return min(guards, key=lambda guard: len(guard.choices), default=None)
    return None


def condition_enough(condition: Condition) -> tuple[Match, ...] | None:
    """Tests each of which alone makes the condition surely hold, if that is all it is:
    `equals`/`one-of`, or an `any` of them. Such a rule fires from the index, untested."""
    match condition:
        case Match():
            return (condition,)
        case AnyOf(parts=parts) if all(isinstance(part, Match) for part in parts):
            return parts
    return None


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """The domain's active rules in file order, with what evaluation needs precomputed."""

    rules: tuple[Rule, ...]
    ids: tuple[str, ...]  # rules[i].id
    tests: tuple[Test, ...]  # rules[i]'s condition, compiled
    questions: tuple[tuple[str, ...], ...]  # the questions rules[i]'s condition reads
    effects: tuple[tuple[Effect, ...], ...]  # what rules[i] does when it fires, in the rule's order
    # What rules[i] does to the scores and the ruled-out set, packed (see `tally`).
    score_changes: tuple[int, ...]
    rules_out: tuple[int, ...]  # bit k: rules[i] rules out the domain's k-th candidate
    candidate_count: int
    fires_on: Mapping[tuple[str, str], tuple[int, ...]]  # (question, choice) → rules it alone makes fire
    tested_on: Mapping[tuple[str, str], tuple[int, ...]]  # (question, choice) → other rules guarded by it
    unguarded: tuple[int, ...]  # rules that must always be tested

    def fired(self, facts: Facts) -> list[int]:
        """Positions of the rules whose condition surely holds, in file order."""
        tests = self.tests
        positions = [i for i in self.unguarded if tests[i](facts) is True]
        for answer in facts.items():
            positions += self.fires_on.get(answer, ())
            positions += [i for i in self.tested_on.get(answer, ()) if tests[i](facts) is True]
        return sorted(set(positions))  # an `any` rule is reached once for each of its tests that holds

    def tally(self, fired: list[int]) -> tuple[list[int], int]:
        """(each candidate's score, bitmask of ruled-out candidates) after the fired rules.

        Each rule's score changes are packed into one integer, a field of
        SCORE_BITS per candidate, so summing a thousand rules is one sum() of
        ints rather than a loop over their effects (a 10,000-rule book spent
        most of its evaluation there).
        """
        changes, outs = self.score_changes, self.rules_out
        ruled_out = 0
        for position in fired:
            ruled_out |= outs[position]
        return _unpacked(sum([changes[position] for position in fired]), self.candidate_count), ruled_out


# A score field: any book's scores stay far inside ±2^31 (weights are small, rules are thousands).
SCORE_BITS = 32
_FIELD = (1 << SCORE_BITS) - 1
_NEGATIVE = 1 << (SCORE_BITS - 1)


def _packed(changes: dict[int, int]) -> int:
    """{candidate number: score change} as one int: change k in field k (negative fields borrow)."""
    return sum(change << (SCORE_BITS * number) for number, change in changes.items())


def _unpacked(total: int, count: int) -> list[int]:
    """The `count` signed fields of a sum of packed ints, lowest first."""
    scores = []
    for _ in range(count):
        field = total & _FIELD
        if field >= _NEGATIVE:
            field -= 1 << SCORE_BITS
        scores.append(field)
        total = (total - field) >> SCORE_BITS
    return scores


def rule_index(rules: tuple[Rule, ...], candidate_ids: tuple[str, ...]) -> RuleIndex:
    number = {candidate_id: n for n, candidate_id in enumerate(candidate_ids)}
    fires_on: dict[tuple[str, str], list[int]] = {}
    tested_on: dict[tuple[str, str], list[int]] = {}
    unguarded = []
    for position, rule in enumerate(rules):
        enough = condition_enough(rule.when)
        guard = None if enough else condition_guard(rule.when)
        if enough:
            for test in enough:
                for choice in test.choices:
                    fires_on.setdefault((test.question, choice), []).append(position)
        elif guard is not None:
            # A question has one fact, so a rule is reached through at most one of its guard's choices.
            for choice in guard.choices:
                tested_on.setdefault((guard.question, choice), []).append(position)
        else:
            unguarded.append(position)
    return RuleIndex(
        rules=rules,
        ids=tuple(rule.id for rule in rules),
        tests=tuple(condition_compile(rule.when) for rule in rules),
        questions=tuple(condition_questions(rule.when) for rule in rules),
        effects=tuple(_effects(rule) for rule in rules),
        score_changes=tuple(_packed(_score_changes(rule, number)) for rule in rules),
        rules_out=tuple(sum(1 << number[c] for c in set(rule.rule_out) if c in number) for rule in rules),
        candidate_count=len(candidate_ids),
        fires_on=_tuples(fires_on),
        tested_on=_tuples(tested_on),
        unguarded=tuple(unguarded),
    )


def _score_changes(rule: Rule, number: dict[str, int]) -> dict[int, int]:
    changes: dict[int, int] = {}
    for candidate, change in (*rule.favour, *((c, -weight) for c, weight in rule.disfavour)):
        if candidate in number:  # an unknown one is a problem the loader reports: the book is refused
            changes[number[candidate]] = changes.get(number[candidate], 0) + change
    return changes


def _effects(rule: Rule) -> tuple[Effect, ...]:
    return (
        *((candidate, "favour", weight) for candidate, weight in rule.favour),
        *((candidate, "disfavour", weight) for candidate, weight in rule.disfavour),
        *((candidate, "rule-out", None) for candidate in rule.rule_out),
    )


def _tuples(table: dict[tuple[str, str], list[int]]) -> dict[tuple[str, str], tuple[int, ...]]:
    return {key: tuple(positions) for key, positions in table.items()}
