"""The evaluator: (domain, answers) → Advice. Pure: no I/O, no clock, no randomness.

Conditions use three-valued logic. A question that is not answered yet, or
answered "not sure", is *unknown*; a question that was skipped because its
`ask_if` does not surely hold is *not asked* and matches nothing. A rule fires only when
its condition is surely true, so the standing shown mid-questionnaire never
rests on a guess and "not sure" moves no score.

Ranking: score (favour weights minus disfavour weights), highest first; ties
keep the candidates' order in the rule file, where authors list the sensible
default first. Ruled-out candidates leave the ranking, in file order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .loader import LIFECYCLE_RULE_ID
from .model import AllOf, AnyOf, Candidate, Condition, Domain, Match, Not, Question, Rule, condition_questions

_UNKNOWN = object()  # answer not given yet, or "not sure"
_NOT_ASKED = object()  # question skipped: its ask_if is false

# How each non-available status reads: (caution prefix, sentence after the service's name).
LIFECYCLE_WORDS = {
    "end-of-support": ("End of support", "reached end of support on"),
    "closed-to-new-customers": ("Closed to new customers", "has been closed to new customers since"),
}


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    effect: str  # favour | disfavour | rule-out
    weight: int | None
    because: str
    source: str
    answers: tuple[tuple[str, str], ...]
    location: str


@dataclass(frozen=True, slots=True)
class Caution:
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Standing:
    candidate: Candidate
    score: int
    reasons: tuple[Reason, ...]
    cautions: tuple[Caution, ...]


@dataclass(frozen=True, slots=True)
class Advice:
    domain: Domain
    rules_version: str
    answers: tuple[tuple[str, str], ...]  # canonical: question order, only questions that apply
    next_question: Question | None
    recommendations: tuple[Standing, ...]  # best first
    ruled_out: tuple[Standing, ...]
    fired: tuple[str, ...]  # ids of the rules whose condition held, in file order

    @property
    def complete(self) -> bool:
        return self.next_question is None

    @property
    def top(self) -> Standing | None:
        return self.recommendations[0] if self.recommendations else None


# Answers ----------------------------------------------------------------------


class AnswerError(ValueError):
    """An answer that names no question or no choice of the domain."""

    def __init__(self, code: str, detail: str):
        self.code, self.detail = code, detail
        super().__init__(detail)


UNKNOWN_QUESTION = "'{question}' is not a question of {domain}"
UNKNOWN_CHOICE = "'{choice}' is not an answer to '{question}'; the answers are: {choices}"


def answers_parse(domain: Domain, raw: Mapping[str, str]) -> dict[str, str]:
    """Check answers against the domain; follow deprecated choices to their replacement.

    Deprecated questions, and deprecated choices nothing replaced, are dropped so
    that old links still open (the person is asked again). Unknown ids raise.
    """
    answers = {}
    for question_id, choice_id in raw.items():
        question = domain.question(question_id)
        if question is None:
            raise AnswerError("unknown-question", UNKNOWN_QUESTION.format(question=question_id, domain=domain.id))
        choice = question.choice(choice_id)
        if choice is None:
            choices = ", ".join(c.id for c in question.offered_choices)
            raise AnswerError("unknown-choice", UNKNOWN_CHOICE.format(choice=choice_id, question=question_id, choices=choices))
        if question.status != "stable":
            continue
        if choice.status != "stable":
            if choice.replaced_by is None:
                continue
            choice = question.choice(choice.replaced_by)
        answers[question_id] = choice.id
    return answers


def _facts(domain: Domain, answers: Mapping[str, str]) -> tuple[dict[str, object], tuple[tuple[str, str], ...], Question | None]:
    """Walk the questions in order: what each answer means for conditions, the
    canonical answers, and the first question that applies but is unanswered."""
    facts: dict[str, object] = {}
    canonical = []
    next_question = None
    for question in domain.asked_questions:
        applies = True if question.ask_if is None else truth(question.ask_if, facts)
        # A follow-up whose premise rests on a "not sure" answer is not asked. But
        # while an earlier question is still unanswered, a later answer may yet
        # apply: keep it rather than make the person give it again.
        if applies is False or (applies is None and next_question is None):
            facts[question.id] = _NOT_ASKED
            continue
        choice_id = answers.get(question.id)
        if choice_id is None:
            facts[question.id] = _UNKNOWN
            next_question = next_question or question
            continue
        canonical.append((question.id, choice_id))
        choice = question.choice(choice_id)
        facts[question.id] = _UNKNOWN if choice is not None and choice.unsure else choice_id
    return facts, tuple(canonical), next_question


def answers_canonical(domain: Domain, answers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The answers in question order, without those to questions that no longer apply."""
    return _facts(domain, answers)[1]


def question_next(domain: Domain, answers: Mapping[str, str]) -> Question | None:
    """The first question that applies and is not answered yet; None when complete."""
    return _facts(domain, answers)[2]


def progress(domain: Domain, answers: Mapping[str, str]) -> tuple[int, int]:
    """(answered, at most in all): the questions answered, plus those that may still be asked."""
    facts, canonical, _ = _facts(domain, answers)
    answered = {question_id for question_id, _ in canonical}
    still_open = [q for q in domain.asked_questions if q.id not in answered and facts.get(q.id) is not _NOT_ASKED]
    return len(canonical), len(canonical) + len(still_open)


def truth(condition: Condition, facts: Mapping[str, object]) -> bool | None:
    """True, False, or None for unknown (Kleene's three-valued logic)."""
    match condition:
        case Match(question=question, choices=choices):
            value = facts.get(question, _UNKNOWN)
            if value is _UNKNOWN:
                return None
            return value in choices
        case Not(part=part):
            value = truth(part, facts)
            return None if value is None else not value
        case AllOf(parts=parts):
            result: bool | None = True
            for part in parts:
                value = truth(part, facts)
                if value is False:
                    return False
                if value is None:
                    result = None
            return result
        case AnyOf(parts=parts):
            result = False
            for part in parts:
                value = truth(part, facts)
                if value is True:
                    return True
                if value is None:
                    result = None
            return result
    raise TypeError(condition)


# Evaluation -------------------------------------------------------------------


def evaluate(domain: Domain, answers: Mapping[str, str], *, rules_version: str) -> Advice:
    """The advice for `answers` (already checked by answers_parse): ranking so far and the next question."""
    facts, canonical, next_question = _facts(domain, answers)
    answered = dict(canonical)
    fired = [rule for rule in domain.active_rules if truth(rule.when, facts) is True]

    scores = {c.id: 0 for c in domain.candidates}
    reasons: dict[str, list[Reason]] = {c.id: [] for c in domain.candidates}
    out_reasons: dict[str, list[Reason]] = {c.id: [] for c in domain.candidates}
    for rule in fired:
        rule_answers = _rule_answers(rule, answered)
        for candidate_id, weight in rule.favour:
            scores[candidate_id] += weight
            reasons[candidate_id].append(_reason(rule, "favour", weight, rule_answers))
        for candidate_id, weight in rule.disfavour:
            scores[candidate_id] -= weight
            reasons[candidate_id].append(_reason(rule, "disfavour", weight, rule_answers))
        for candidate_id in rule.rule_out:
            out_reasons[candidate_id].append(_reason(rule, "rule-out", None, rule_answers))

    recommendations, ruled_out = [], []
    for candidate in domain.candidates:
        cautions = _cautions(domain, candidate)
        if not candidate.available:
            out_reasons[candidate.id].insert(0, _lifecycle_reason(domain, candidate))
        if out_reasons[candidate.id]:
            ruled_out.append(Standing(candidate, scores[candidate.id], tuple(out_reasons[candidate.id]), cautions))
        else:
            recommendations.append(Standing(candidate, scores[candidate.id], tuple(reasons[candidate.id]), cautions))
    # sorted() is stable, so equal scores keep file order: the documented tie-break.
    recommendations.sort(key=lambda standing: -standing.score)
    return Advice(
        domain=domain,
        rules_version=rules_version,
        answers=canonical,
        next_question=next_question,
        recommendations=tuple(recommendations),
        ruled_out=tuple(ruled_out),
        fired=tuple(rule.id for rule in fired),
    )


def _rule_answers(rule: Rule, answered: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((q, answered[q]) for q in condition_questions(rule.when) if q in answered)


def _reason(rule: Rule, effect: str, weight: int | None, answers: tuple[tuple[str, str], ...]) -> Reason:
    return Reason(rule.id, effect, weight, rule.because, rule.source, answers, rule.location)


def _successor_text(domain: Domain, candidate: Candidate) -> str:
    life = candidate.lifecycle
    successor = domain.candidate(life.successor) if life.successor else None
    text = f"; use {successor.name} instead." if successor else "."
    return f"{text} {life.note}".rstrip()


def _cautions(domain: Domain, candidate: Candidate) -> tuple[Caution, ...]:
    if candidate.available:
        return ()
    prefix, _ = LIFECYCLE_WORDS[candidate.lifecycle.status]
    return (Caution("lifecycle", f"{prefix} {candidate.lifecycle.date}{_successor_text(domain, candidate)}"),)


def _lifecycle_reason(domain: Domain, candidate: Candidate) -> Reason:
    _, sentence = LIFECYCLE_WORDS[candidate.lifecycle.status]
    because = f"{candidate.name} {sentence} {candidate.lifecycle.date}{_successor_text(domain, candidate)}"
    return Reason(LIFECYCLE_RULE_ID, "rule-out", None, because, candidate.lifecycle.source, (), candidate.lifecycle.location)


# "Not sure" -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Alternative:
    question: Question
    choice_id: str
    top: Candidate | None


def unsure_alternatives(domain: Domain, answers: Mapping[str, str], *, rules_version: str) -> tuple[Alternative, ...]:
    """For each "not sure" answer: the answers that would put another candidate on top."""
    current = evaluate(domain, answers, rules_version=rules_version).top
    current_id = current.candidate.id if current else None
    alternatives = []
    for question_id, choice_id in answers_canonical(domain, answers):
        question = domain.question(question_id)
        if not question.choice(choice_id).unsure:
            continue
        for choice in question.offered_choices:
            if choice.unsure:
                continue
            top = evaluate(domain, {**answers, question_id: choice.id}, rules_version=rules_version).top
            if top is not None and top.candidate.id != current_id:
                alternatives.append(Alternative(question, choice.id, top.candidate))
    return tuple(alternatives)
