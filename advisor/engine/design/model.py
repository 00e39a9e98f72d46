"""Blueprints as frozen dataclasses: several decisions (domains) strung into one design.

A blueprint's own questions form a small domain of their own (`scope`: questions,
no candidates), so the domain engine asks them, follows their ask_if and checks
their answers exactly as it does a domain's.

Design conditions (a decision's ask_if, a carry's or a finding's `when`) are the
rules' conditions over the design's facts, keyed:
  `question`            a blueprint question's answer,
  `domain.question`     an answer in a decision (asked or carried),
  `chosen:domain`       the service a decision chose (CHOSEN_PREFIX + domain id).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Condition, Domain, Question

CHOSEN_PREFIX = "chosen:"
SEVERITIES = ("must", "should", "note")  # in the order a reader needs them


def fact_key(domain_id: str, question_id: str) -> str:
    return f"{domain_id}.{question_id}"


def chosen_key(domain_id: str) -> str:
    return CHOSEN_PREFIX + domain_id


@dataclass(frozen=True, slots=True)
class Carry:
    """Answers a decision gets from earlier facts instead of asking: (question, choice) pairs, when `when` holds."""

    answer: tuple[tuple[str, str], ...]
    when: Condition
    location: str = ""


@dataclass(frozen=True, slots=True)
class DecisionSpec:
    domain: str
    title: str
    ask_if: Condition | None = None
    carry: tuple[Carry, ...] = ()
    location: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    id: str
    severity: str
    text: str
    because: str
    source: str
    when: Condition
    cost: str = ""
    location: str = ""


@dataclass(frozen=True, slots=True)
class BlueprintExample:
    id: str
    answers: tuple[tuple[str, str], ...]  # as in the URL: question or domain.question
    chosen: tuple[tuple[str, str], ...] = ()  # domain → candidate expected on top
    skipped: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    no_findings: tuple[str, ...] = ()
    location: str = ""


@dataclass(frozen=True, slots=True)
class Blueprint:
    id: str
    title: str
    summary: str
    scope: Domain  # the blueprint's own questions, as a domain without candidates
    decisions: tuple[DecisionSpec, ...]
    findings: tuple[Finding, ...]
    examples: tuple[BlueprintExample, ...] = ()
    notes: str = ""
    location: str = ""

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.scope.asked_questions

    def decision(self, domain_id: str) -> DecisionSpec | None:
        return next((d for d in self.decisions if d.domain == domain_id), None)

    def finding(self, finding_id: str) -> Finding | None:
        return next((f for f in self.findings if f.id == finding_id), None)
