"""A design: a pure function of rule book, blueprint and answers.

The blueprint's own questions come first, then each decision in order. A decision
whose ask_if does not hold is skipped; one that applies gets its carried answers,
then the domain engine evaluates (carried + asked) answers exactly as the domain's
own page would: a decision inside a design *is* the single-domain result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..evaluate import Advice, AnswerError, answers_parse, evaluate, truth
from ..model import Candidate, Condition, Domain, Question, RuleBook, condition_questions
from .model import CHOSEN_PREFIX, Blueprint, DecisionSpec, Finding, chosen_key, fact_key

MADE, SKIPPED, ASKING, PENDING = "made", "skipped", "asking", "pending"
NOT_ASKED = "\0not-asked"  # a fact of a skipped decision: no test matches it (a rule's "not asked")
UNKNOWN_DECISION = "'{domain}' is not a decision of {blueprint}"


@dataclass(frozen=True, slots=True)
class NextQuestion:
    key: str  # as in the URL: "public_name" or "database.purpose"
    question: Question
    decision: DecisionSpec | None  # None for the blueprint's own questions
    position: int  # 1-based place of its decision in the blueprint (0 for the blueprint's own questions)
    total: int  # the blueprint's decisions (a skipped one keeps its number: the page shows it "not needed")


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    spec: DecisionSpec
    domain: Domain
    status: str  # made | skipped | asking (its question is next) | pending (not reached yet)
    advice: Advice | None = None
    carried: tuple[tuple[str, str], ...] = ()
    chosen: Candidate | None = None  # the top candidate, when made and the answers decide it
    skipped_because: tuple[tuple[str, str], ...] = ()  # facts the ask_if read (key, value or "")

    @property
    def result_url_query(self) -> str:
        """The single-domain result's query string: every answer of the decision, canonical."""
        return "&".join(f"{q}={c}" for q, c in self.advice.answers) if self.advice else ""


@dataclass(frozen=True, slots=True)
class FindingOutcome:
    finding: Finding
    answers: tuple[tuple[str, str], ...]  # the facts its condition read


@dataclass(frozen=True, slots=True)
class Design:
    blueprint: Blueprint
    rules_version: str
    answers: tuple[tuple[str, str], ...]  # canonical: asked answers, in the order asked, keyed as in the URL
    next_question: NextQuestion | None
    decisions: tuple[DecisionOutcome, ...]
    findings: tuple[FindingOutcome, ...]
    facts: Mapping[str, str]  # every fact so far, "not sure" answers included (for describing conditions)

    @property
    def complete(self) -> bool:
        return self.next_question is None

    def outcome(self, domain_id: str) -> DecisionOutcome | None:
        return next((d for d in self.decisions if d.domain.id == domain_id), None)


def design_answers_parse(book: RuleBook, blueprint: Blueprint, raw: Mapping[str, str]) -> dict[str, str]:
    """Check URL answers against the blueprint and its domains (AnswerError for unknown ids);
    deprecated choices follow their replacement, as for a domain."""
    own: dict[str, str] = {}
    per_domain: dict[str, dict[str, str]] = {}
    for key, choice_id in raw.items():
        domain_id, dot, question_id = key.partition(".")
        if not dot:
            own[key] = choice_id
            continue
        if blueprint.decision(domain_id) is None or book.domain(domain_id) is None:
            raise AnswerError("unknown-decision", UNKNOWN_DECISION.format(domain=domain_id, blueprint=blueprint.id))
        per_domain.setdefault(domain_id, {})[question_id] = choice_id
    answers = answers_parse(blueprint.scope, own)
    for domain_id, given in per_domain.items():
        for question_id, choice_id in answers_parse(book.domain(domain_id), given).items():
            answers[fact_key(domain_id, question_id)] = choice_id
    return answers


def _unsure(question: Question, choice_id: str) -> bool:
    choice = question.choice(choice_id)
    return choice is not None and choice.unsure


def _read(condition: Condition | None, facts: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The facts a condition reads, with their values ("" when there is none)."""
    if condition is None:
        return ()
    return tuple((key, "" if facts.get(key, "") == NOT_ASKED else facts.get(key, "")) for key in condition_questions(condition))


def design_evaluate(book: RuleBook, blueprint: Blueprint, answers: Mapping[str, str], *, rules_version: str) -> Design:
    """The design for checked answers (see design_answers_parse)."""
    own = {k: v for k, v in answers.items() if "." not in k}
    scope_advice = evaluate(blueprint.scope, own, rules_version=rules_version)
    canonical: list[tuple[str, str]] = list(scope_advice.answers)
    said: dict[str, str] = dict(scope_advice.answers)  # every fact, "not sure" included
    facts: dict[str, str] = {q: c for q, c in scope_advice.answers if not _unsure(blueprint.scope.question(q), c)}
    next_question = None
    if scope_advice.next_question is not None:
        question = scope_advice.next_question
        next_question = NextQuestion(question.id, question, None, 0, len(blueprint.decisions))

    by_domain: dict[str, dict[str, str]] = {}  # each decision's own answers, keyed by question id
    for key, value in answers.items():
        domain_id, dot, question_id = key.partition(".")
        if dot:
            by_domain.setdefault(domain_id, {})[question_id] = value

    outcomes: list[DecisionOutcome] = []
    for spec in blueprint.decisions:
        domain = book.domain(spec.domain)
        if next_question is not None:
            outcomes.append(DecisionOutcome(spec, domain, PENDING))
            continue
        if spec.ask_if is not None and truth(spec.ask_if, facts) is not True:
            outcomes.append(DecisionOutcome(spec, domain, SKIPPED, skipped_because=_read(spec.ask_if, said)))
            for question in domain.questions:
                facts[fact_key(domain.id, question.id)] = NOT_ASKED
            facts[chosen_key(domain.id)] = NOT_ASKED
            continue
        carried: dict[str, str] = {}
        for carry in spec.carry:
            if truth(carry.when, facts) is True:
                for question_id, choice_id in carry.answer:
                    carried.setdefault(question_id, choice_id)
        given = {q: c for q, c in by_domain.get(domain.id, {}).items() if q not in carried}
        advice = evaluate(domain, {**given, **carried}, rules_version=rules_version)
        asked = [(q, c) for q, c in advice.answers if q not in carried]
        canonical += [(fact_key(domain.id, q), c) for q, c in asked]
        used_carries = tuple((q, c) for q, c in advice.answers if q in carried)
        for question_id, choice_id in advice.answers:
            key = fact_key(domain.id, question_id)
            said[key] = choice_id
            if not _unsure(domain.question(question_id), choice_id):
                facts[key] = choice_id
        if not advice.complete:
            question = advice.next_question
            next_question = NextQuestion(fact_key(domain.id, question.id), question, spec, len(outcomes) + 1, len(blueprint.decisions))
            outcomes.append(DecisionOutcome(spec, domain, ASKING, advice, used_carries))
            continue
        chosen = advice.top.candidate if advice.top is not None and advice.decided else None
        if chosen is not None:
            facts[chosen_key(domain.id)] = said[chosen_key(domain.id)] = chosen.id
        outcomes.append(DecisionOutcome(spec, domain, MADE, advice, used_carries, chosen))

    findings = tuple(
        FindingOutcome(finding, _read(finding.when, said)) for finding in blueprint.findings if truth(finding.when, facts) is True
    )
    return Design(blueprint, rules_version, tuple(canonical), next_question, tuple(outcomes), findings, said)


def fact_describe(book: RuleBook, blueprint: Blueprint, key: str, value: str) -> tuple[str, str]:
    """(what was asked or decided, what the answer was) in words, for a fact key and value."""
    if key.startswith(CHOSEN_PREFIX):
        domain = book.domain(key.removeprefix(CHOSEN_PREFIX))
        candidate = domain.candidate(value) if value else None
        return domain.title, candidate.name if candidate else "not decided"
    domain_id, dot, question_id = key.partition(".")
    scope = book.domain(domain_id) if dot else blueprint.scope
    question = scope.question(question_id if dot else key)
    choice = question.choice(value) if value else None
    return question.text, choice.label if choice else "not answered"
