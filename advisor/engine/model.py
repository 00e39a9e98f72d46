"""The rule book as frozen dataclasses: what the loader builds and the evaluator reads.

Every object that a person may want to find in a rule file carries its
`location` ("rules/database.yaml:42") so results and checks can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compiled import RuleIndex
    from .design.model import Blueprint
    from .design.parts import Fragment, NotBuilt

AVAILABLE = "available"
STABLE = "stable"
DEPRECATED = "deprecated"


# Conditions --------------------------------------------------------------
# `equals` and `one-of` both become Match: `equals: {q: c}` is a match
# against one choice. The YAML's spelling is kept for describing it back.


@dataclass(frozen=True, slots=True)
class Match:
    question: str
    choices: frozenset[str]


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition


type Condition = Match | AllOf | AnyOf | Not


def condition_questions(condition: Condition) -> tuple[str, ...]:
    """The questions a condition reads, in first-mention order."""
    match condition:
        case Match(question=question):
            return (question,)
        case Not(part=part):
            return condition_questions(part)
        case AllOf(parts=parts) | AnyOf(parts=parts):
            seen: dict[str, None] = {}
            for part in parts:
                seen.update(dict.fromkeys(condition_questions(part)))
            return tuple(seen)
    raise TypeError(condition)


# The rule book ------------------------------------------------------------


def index_by_id[T](items: tuple[T, ...]) -> dict[str, T]:
    """Items by their id, for lookups on every request; the first of a duplicated id wins, as a scan
    would find it (check_rules reports the duplicate)."""
    found: dict[str, T] = {}
    for item in items:
        found.setdefault(item.id, item)
    return found


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str
    help: str
    unsure: bool = False
    status: str = STABLE
    replaced_by: str | None = None
    location: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    help: str
    choices: tuple[Choice, ...]
    ask_if: Condition | None = None
    status: str = STABLE
    replaced_by: str | None = None
    location: str = ""
    # Derived when the question is built; not compared. Looked up for every answer of every page.
    _choice_by_id: dict[str, Choice] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_choice_by_id", index_by_id(self.choices))

    def choice(self, choice_id: str) -> Choice | None:
        return self._choice_by_id.get(choice_id)

    @property
    def offered_choices(self) -> tuple[Choice, ...]:
        return tuple(c for c in self.choices if c.status == STABLE)


@dataclass(frozen=True, slots=True)
class Lifecycle:
    status: str = AVAILABLE
    date: str | None = None
    successor: str | None = None
    note: str = ""
    source: str = ""
    location: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    name: str
    summary: str
    docs: str
    cost: str
    verified: str
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    location: str = ""

    @property
    def available(self) -> bool:
        return self.lifecycle.status == AVAILABLE


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    when: Condition
    because: str
    source: str
    favour: tuple[tuple[str, int], ...] = ()
    disfavour: tuple[tuple[str, int], ...] = ()
    rule_out: tuple[str, ...] = ()
    notes: tuple[str, str] | None = None  # (date, heading) in the study notes
    status: str = STABLE
    replaced_by: str | None = None
    location: str = ""

    @property
    def candidates(self) -> tuple[str, ...]:
        """Every candidate the rule moves, in the order it names them."""
        return tuple(c for c, _ in self.favour) + tuple(c for c, _ in self.disfavour) + self.rule_out


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    answers: tuple[tuple[str, str], ...]
    top: str
    ruled_out: tuple[str, ...] = ()
    fires: tuple[str, ...] = ()
    does_not_fire: tuple[str, ...] = ()
    todo: str | None = None
    location: str = ""


@dataclass(frozen=True, slots=True)
class Domain:
    id: str
    area: str
    title: str
    summary: str
    questions: tuple[Question, ...]
    candidates: tuple[Candidate, ...]
    rules: tuple[Rule, ...]
    examples: tuple[Example, ...]
    location: str = ""
    # Derived from the fields above when the domain is built; not compared.
    index: RuleIndex = field(init=False, repr=False, compare=False)  # the active rules, arranged for the evaluator
    asked_questions: tuple[Question, ...] = field(init=False, repr=False, compare=False)  # deprecated ones stay for old links
    _by_id: dict[tuple[str, str], Question | Candidate | Rule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from .compiled import rule_index  # compiled reads this module's classes

        active = tuple(r for r in self.rules if r.status == STABLE)
        object.__setattr__(self, "index", rule_index(active, tuple(c.id for c in self.candidates)))
        object.__setattr__(self, "asked_questions", tuple(q for q in self.questions if q.status == STABLE))
        # Looked up on every request; the first of a duplicated id wins, as a scan would find it.
        by_id: dict[tuple[str, str], Question | Candidate | Rule] = {}
        for kind, items in (("question", self.questions), ("candidate", self.candidates), ("rule", self.rules)):
            for item in items:
                by_id.setdefault((kind, item.id), item)
        object.__setattr__(self, "_by_id", by_id)

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(("question", question_id))

    def candidate(self, candidate_id: str) -> Candidate | None:
        return self._by_id.get(("candidate", candidate_id))

    def rule(self, rule_id: str) -> Rule | None:
        return self._by_id.get(("rule", rule_id))

    @property
    def active_rules(self) -> tuple[Rule, ...]:
        return self.index.rules


@dataclass(frozen=True, slots=True)
class RuleBook:
    domains: tuple[Domain, ...]
    version: str  # first 12 hex digits of SHA-256 over (path, contents) of every file read: domains and blueprints
    blueprints: tuple[Blueprint, ...] = ()
    fragments: tuple[Fragment, ...] = ()  # rules/fragments/*.yaml: what a design's CloudFormation starter builds
    not_built: tuple[NotBuilt, ...] = ()  # decisions and candidates the starter leaves out, with why
    _domain_by_id: dict[str, Domain] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_domain_by_id", index_by_id(self.domains))

    def domain(self, domain_id: str) -> Domain | None:
        return self._domain_by_id.get(domain_id)

    def blueprint(self, blueprint_id: str) -> Blueprint | None:
        return next((b for b in self.blueprints if b.id == blueprint_id), None)
