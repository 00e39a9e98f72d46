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
from dataclasses import dataclass, field

from .compiled import UNKNOWN as _UNKNOWN
from .loader import LIFECYCLE_RULE_ID
from .model import AllOf, AnyOf, Candidate, Condition, Domain, Match, Not, Question

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


class _Explanation:
    """Every candidate's reasons for one evaluation, built when first read.

    Ranking needs only scores, and most evaluations never read a reason: each
    questionnaire step's standing, check_rules' walk of every answer sequence,
    the "not sure" alternatives. Building thousands of reasons for a big book
    costs more than choosing the rules that fire (issue 6).
    """

    __slots__ = ("_answered", "_by_candidate", "_domain", "_fired")

    def __init__(self, domain: Domain, fired: list[int], answered: dict[str, str]):
        self._domain, self._fired, self._answered = domain, fired, answered
        self._by_candidate: dict[str, tuple[Reason, ...]] | None = None

    def reasons(self, candidate: Candidate) -> tuple[Reason, ...]:
        if self._by_candidate is None:
            self._by_candidate = self._build()  # a race builds the same thing twice: harmless
        return self._by_candidate[candidate.id]

    def _build(self) -> dict[str, tuple[Reason, ...]]:
        domain, index, answered = self._domain, self._domain.index, self._answered
        moved: dict[str, list[Reason]] = {c.id: [] for c in domain.candidates}
        out: dict[str, list[Reason]] = {c.id: [] if c.available else [_lifecycle_reason(domain, c)] for c in domain.candidates}
        for position in self._fired:
            rule = index.rules[position]
            rule_answers = tuple([(q, answered[q]) for q in index.questions[position] if q in answered])
            for candidate_id, effect, weight in index.effects[position]:
                reason = Reason(rule.id, effect, weight, rule.because, rule.source, rule_answers, rule.location)
                (out if effect == "rule-out" else moved)[candidate_id].append(reason)
        # A ruled-out candidate is explained by what ruled it out; the others by what moved them.
        return {c: tuple(out[c] or moved[c]) for c in moved}


@dataclass(frozen=True, slots=True)
class Standing:
    candidate: Candidate
    score: int
    cautions: tuple[Caution, ...]
    explanation: _Explanation = field(repr=False, compare=False)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """For a ranked candidate: the rules that moved its score; for a ruled-out one: what ruled it out."""
        return self.explanation.reasons(self.candidate)


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

    @property
    def decided(self) -> bool:
        """Whether the answers favour the top candidate at all: if not, it leads only by
        file order (the usual default), and the answers have not decided anything yet."""
        return self.top is not None and any(r.effect == "favour" for r in self.top.reasons)


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
    """True, False, or None for unknown (Kleene's three-valued logic).

    This is the definition; evaluation runs the same logic compiled once per
    rule (compiled.condition_compile), and a test checks that the two agree.
    """
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
    index = domain.index
    fired = index.fired(facts)

    scores, ruled_out_mask = index.tally(fired)

    explanation = _Explanation(domain, fired, answered)
    recommendations, ruled_out = [], []
    for number, candidate in enumerate(domain.candidates):
        standing = Standing(candidate, scores[number], _cautions(domain, candidate), explanation)
        out = ruled_out_mask >> number & 1 or not candidate.available
        (ruled_out if out else recommendations).append(standing)
    # sorted() is stable, so equal scores keep file order: the documented tie-break.
    recommendations.sort(key=lambda standing: -standing.score)
    return Advice(
        domain=domain,
        rules_version=rules_version,
        answers=canonical,
        next_question=next_question,
        recommendations=tuple(recommendations),
        ruled_out=tuple(ruled_out),
        fired=tuple([index.ids[position] for position in fired]),
    )


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


def unsure_alternatives(
    domain: Domain, answers: Mapping[str, str], *, rules_version: str, advice: Advice | None = None
) -> tuple[Alternative, ...]:
    """For each "not sure" answer: the answers that would put another candidate on top.

    `advice` is evaluate()'s answer for `answers`, when the caller already has it.
    """
    if advice is None:
        advice = evaluate(domain, answers, rules_version=rules_version)
    current_id = advice.top.candidate.id if advice.top else None
    alternatives = []
    for question_id, choice_id in advice.answers:
        question = domain.question(question_id)
        if not question.choice(choice_id).unsure:
            continue
        for choice in question.offered_choices:
            if choice.unsure:
                continue
            top = top_candidate(domain, {**answers, question_id: choice.id})
            if top is not None and top.id != current_id:
                alternatives.append(Alternative(question, choice.id, top))
    return tuple(alternatives)


def top_candidate(domain: Domain, answers: Mapping[str, str]) -> Candidate | None:
    """The candidate evaluate() would rank first, without building the rest of the advice."""
    scores, ruled_out = domain.index.tally(domain.index.fired(_facts(domain, answers)[0]))
    return ranking_top(domain, scores, ruled_out)


def ranking_top(domain: Domain, scores: list[int], ruled_out: int) -> Candidate | None:
    """The candidate ranked first for these scores and ruled-out mask (RuleIndex.tally's answer).

    evaluate() sorts the same way; check_rules' walk ranks its states with this.
    """
    best = None
    for number, candidate in enumerate(domain.candidates):
        if ruled_out >> number & 1 or not candidate.available:
            continue
        if best is None or scores[number] > scores[best]:  # strictly: ties keep file order
            best = number
    return None if best is None else domain.candidates[best]
