"""What a design builds: its *parts*, one per fragment that applies (rules/fragments/).

The diagram draws exactly these parts and the CloudFormation starter holds exactly
their resources, so the two cannot disagree. Pure: no Django, no I/O.

A fragment applies when its `when` holds for the design's facts (three-valued, as
for findings: only a condition that is definitely true counts). Besides the design
facts (`question`, `domain.question`, `chosen:domain`) a fragment condition may
test `finding: [ids]`, true when one of those findings holds for the design.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..evaluate import truth
from ..model import Condition, RuleBook
from .evaluate import MADE, NOT_ASKED, Design
from .model import chosen_key, fact_key

FINDING_PREFIX = "finding:"  # a fragment condition's fact key for "this finding holds"
BASE_FRAGMENT = "vpc"  # always in, always first
CATEGORIES = ("networking", "compute", "database", "storage", "security", "dns", "management")
PLACES = ("public", "app", "data", "vpc", "vpc-border", "region", "global")
TIER_PLACES = frozenset({"public", "app", "data"})  # inside each Availability Zone's subnets

# Where an undecided decision's placeholder is drawn (its service would sit there).
_PLACEHOLDER_AT = {
    "compute-platform": ("compute", "app"),
    "load-balancer": ("networking", "public"),
    "database": ("database", "data"),
    "storage": ("storage", "region"),
    "dns-records": ("dns", "global"),
    "subnet-placement": ("networking", "vpc"),
    "private-service-access": ("networking", "vpc-border"),
    "hybrid-connectivity": ("networking", "vpc-border"),
}


def finding_key(finding_id: str) -> str:
    return FINDING_PREFIX + finding_id


@dataclass(frozen=True, slots=True)
class Part:
    id: str  # the fragment's id, e.g. "alb", "app-fleet-ec2", "vpc", "s3-gateway-endpoint"
    label: str  # the service's name as drawn: "Application Load Balancer"
    role: str  # what it does here, short
    category: str  # networking | compute | database | storage | security | dns | management
    place: str  # public | app | data | vpc | vpc-border | region | global
    per_az: bool  # drawn (and built) once per AZ
    spans_azs: bool  # a group drawn across the AZs it covers
    connects: tuple[tuple[str, str], ...]  # (other part id, label), only to parts in the same design
    decision: str | None  # the decision (domain id) it comes from; None for the base network or a finding's part
    finding: str | None  # the finding it answers, if any
    placeholder: bool = False  # an undecided decision: drawn as a labelled placeholder, left out of the template


@dataclass(frozen=True, slots=True)
class Link:
    """Wiring added only when another part is in the same template (e.g. a target group
    between a load balancer and its servers)."""

    to: tuple[str, ...]  # part ids; the first of them in the design is the one wired to
    resources: Mapping[str, Any] = field(default_factory=dict)  # extra resources
    properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # logical id → properties set on it
    outputs: Mapping[str, Any] = field(default_factory=dict)
    location: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class Fragment:
    """One rules/fragments/<id>.yaml: a part and the CloudFormation that builds it."""

    id: str
    when: Condition | None  # None: always (the base network)
    label: str
    role: str
    category: str
    place: str
    per_az: bool = False
    spans_azs: bool = False
    connects: tuple[tuple[str, str], ...] = ()
    decisions: tuple[tuple[str, frozenset[str]], ...] = ()  # its `chosen` tests: (domain, candidates)
    findings: tuple[str, ...] = ()  # the findings its `finding` tests name
    comment: str = ""  # said in the template above its resources (what to do next, what it does not build)
    parameter_group: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)
    resources: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    location: str = ""

    @property
    def decision(self) -> str | None:
        """The decision whose candidate it builds, if its `when` tests one."""
        return self.decisions[0][0] if self.decisions else None

    def part(self, present: frozenset[str], facts: Mapping[str, str]) -> Part:
        # In this design: the finding it answers when one of its findings holds (a finding's
        # part), else the decision whose chosen service it builds.
        finding = next((f for f in self.findings if facts.get(finding_key(f)) == "yes"), None)
        decision = None
        if finding is None:
            decision = next((d for d, cs in self.decisions if facts.get(chosen_key(d)) in cs), self.decision)
        return Part(
            id=self.id,
            label=self.label,
            role=self.role,
            category=self.category,
            place=self.place,
            per_az=self.per_az,
            spans_azs=self.spans_azs,
            connects=tuple((to, label) for to, label in self.connects if to in present),
            decision=decision,
            finding=finding,
        )


@dataclass(frozen=True, slots=True)
class NotBuilt:
    """A decision (candidate None) or one candidate the starter does not build, and why."""

    domain: str
    candidate: str | None
    reason: str
    location: str = ""
    place: str | None = None  # where the diagram draws the chosen candidate as a tile; None: not drawn


def design_facts(design: Design) -> dict[str, str]:
    """The facts fragment conditions read: the design's, "not sure" and skipped ones as unknown,
    plus `finding:<id>` for each finding of the blueprint (yes when it holds)."""
    facts: dict[str, str] = {}
    for key, value in design.facts.items():
        if value == NOT_ASKED or not value:
            continue
        domain_id, dot, question_id = key.partition(".")
        if dot and not key.startswith("chosen:"):
            outcome = design.outcome(domain_id)
            question = outcome.domain.question(question_id) if outcome else None
            choice = question.choice(value) if question else None
            if choice is None or choice.unsure:
                continue
        elif not dot and not key.startswith("chosen:"):
            question = design.blueprint.scope.question(key)
            choice = question.choice(value) if question else None
            if choice is None or choice.unsure:
                continue
        facts[key] = value
    for outcome in design.decisions:
        if outcome.chosen is not None:
            facts[chosen_key(outcome.domain.id)] = outcome.chosen.id
    holding = {f.finding.id for f in design.findings}
    # A finding that surely cannot hold is "no" mid-design too, so `not: {finding: [...]}`
    # works before the last answer: questions of skipped decisions, and those a made
    # decision did not ask, are definitely not asked (no test matches them).
    judged = {**facts, **{k: v for k, v in design.facts.items() if v == NOT_ASKED}}
    for outcome in design.decisions:
        if outcome.status == MADE:
            for question in outcome.domain.questions:
                judged.setdefault(fact_key(outcome.domain.id, question.id), NOT_ASKED)
    for finding in design.blueprint.findings:
        if finding.id in holding:
            facts[finding_key(finding.id)] = "yes"
        elif design.complete or truth(finding.when, judged) is False:
            facts[finding_key(finding.id)] = "no"
    return facts


def design_fragments(book: RuleBook, design: Design) -> tuple[Fragment, ...]:
    """The fragments a design builds, in the rule book's order (the base network first)."""
    facts = design_facts(design)
    return tuple(f for f in book.fragments if f.when is None or truth(f.when, facts) is True)


def undecided(design: Design) -> tuple:
    """Decisions the design reached (or will) but has no chosen service for: (outcome, would-decide question text)."""
    found = []
    for outcome in design.decisions:
        if outcome.domain.id not in _PLACEHOLDER_AT or outcome.chosen is not None or outcome.status not in (MADE, "asking", "pending"):
            continue
        found.append(outcome)
    return tuple(found)


NOT_BUILT_ROLE = "chosen; the starter does not build it (see the template's notes)"


def _not_built_parts(book: RuleBook, design: Design, parts: list[Part]) -> list[Part]:
    """A tile for each chosen service the starter leaves out and its not_built entry places,
    so the diagram still shows the design's front door or database (CloudFront, EKS, MemoryDB…)."""
    drawn = {part.decision for part in parts}
    found = []
    for outcome in design.decisions:
        if outcome.chosen is None or outcome.domain.id in drawn or outcome.domain.id not in _PLACEHOLDER_AT:
            continue
        entry = next((n for n in book.not_built if n.domain == outcome.domain.id and n.candidate in (outcome.chosen.id, None)), None)
        if entry is None or entry.place is None:
            continue
        found.append(
            Part(
                id=f"not-built-{outcome.domain.id}",
                label=outcome.chosen.name,
                role=NOT_BUILT_ROLE,
                category=_PLACEHOLDER_AT[outcome.domain.id][0],
                place=entry.place,
                per_az=False,
                spans_azs=entry.place in TIER_PLACES,  # drawn once across both zones, as a built one is
                connects=(),
                decision=outcome.domain.id,
                finding=None,
                # A plain tile, as the Image Builder pipeline's: decided, only not built (its role says so).
            )
        )
    return found


def design_parts(book: RuleBook, design: Design) -> tuple[Part, ...]:
    """Every part of the design, base network first, then the fragments in rule-book order, then a
    tile for each chosen service the starter does not build (where its not_built entry says),
    then a placeholder for each infrastructure decision not decided yet."""
    facts = design_facts(design)
    fragments = tuple(f for f in book.fragments if f.when is None or truth(f.when, facts) is True)
    present = frozenset(f.id for f in fragments)
    parts = [f.part(present, facts) for f in fragments]
    parts += _not_built_parts(book, design, parts)
    for outcome in undecided(design):
        category, place = _PLACEHOLDER_AT[outcome.domain.id]
        parts.append(
            Part(
                id=f"undecided-{outcome.domain.id}",
                label=outcome.spec.title,
                role="not decided yet",
                category=category,
                place=place,
                per_az=False,
                spans_azs=False,
                connects=(),
                decision=outcome.domain.id,
                finding=None,
                placeholder=True,
            )
        )
    return tuple(parts)
