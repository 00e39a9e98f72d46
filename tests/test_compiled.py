"""The compiled conditions and the rule index give exactly what `truth()` defines.

`truth()` is the readable definition of a condition; evaluation runs the
compiled closures through the index (advisor/engine/compiled.py). Any
difference would change advice silently, so random conditions, rules and
facts are checked against the definition.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.engine.check import every_path
from advisor.engine.compiled import UNKNOWN, condition_compile, rule_index
from advisor.engine.evaluate import _NOT_ASKED, _facts, evaluate, top_candidate, truth
from advisor.engine.model import AllOf, AnyOf, Match, Not, Rule, condition_questions

QUESTIONS = ("q", "r", "s")
CHOICES = ("a", "b", "c")

matches = st.builds(Match, st.sampled_from(QUESTIONS), st.frozensets(st.sampled_from(CHOICES), min_size=1))
conditions = st.recursive(
    matches,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(AllOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(AnyOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
    ),
    max_leaves=8,
)
# A fact is a choice, "not asked", "unknown" (explicitly, or by being absent).
facts = st.dictionaries(st.sampled_from(QUESTIONS), st.sampled_from((*CHOICES, _NOT_ASKED, UNKNOWN)))


@given(conditions, facts)
@settings(max_examples=2000, deadline=None)
def test_compiled_condition_agrees_with_truth(condition, facts):
    assert condition_compile(condition)(facts) is truth(condition, facts)


@given(st.lists(conditions, max_size=30), facts)
@settings(max_examples=500, deadline=None)
def test_index_fires_exactly_the_rules_whose_condition_holds_in_file_order(whens, facts):
    rules = tuple(Rule(id=f"r{i}", title="", when=when, because="", source="") for i, when in enumerate(whens))
    index = rule_index(rules, ())
    assert index.fired(facts) == [i for i, rule in enumerate(rules) if truth(rule.when, facts) is True]


CANDIDATES = ("a", "b", "c", "d", "e")
weights = st.lists(st.tuples(st.sampled_from(CANDIDATES), st.integers(1, 10)), max_size=3).map(tuple)
effects = st.tuples(weights, weights, st.lists(st.sampled_from(CANDIDATES), max_size=2).map(tuple))


@given(st.lists(effects, max_size=40), st.data())
@settings(max_examples=500, deadline=None)
def test_tally_adds_up_scores_and_rule_outs_as_plainly_as_by_hand(rule_effects, data):
    rules = tuple(
        Rule(id=f"r{i}", title="", when=Match("q", frozenset({"a"})), because="", source="", favour=f, disfavour=d, rule_out=o)
        for i, (f, d, o) in enumerate(rule_effects)
    )
    fired = sorted(data.draw(st.sets(st.sampled_from(range(len(rules))))) if rules else [])
    scores, ruled_out = rule_index(rules, CANDIDATES).tally(fired)
    expected = dict.fromkeys(CANDIDATES, 0)
    for i in fired:
        for candidate, weight in rules[i].favour:
            expected[candidate] += weight
        for candidate, weight in rules[i].disfavour:
            expected[candidate] -= weight
    assert scores == list(expected.values())
    out = {c for i in fired for c in rules[i].rule_out}
    assert [bool(ruled_out >> n & 1) for n in range(len(CANDIDATES))] == [c in out for c in CANDIDATES]


# The whole evaluator against a plain one built on truth(): every answer sequence of every
# shipped domain, complete and half-way, must give the same rules, scores, order and reasons.


def _plainly(domain, answers):
    facts, canonical, _ = _facts(domain, answers)
    answered = dict(canonical)
    fired = [r for r in domain.rules if r.status == "stable" and truth(r.when, facts) is True]
    scores = {c.id: 0 for c in domain.candidates}
    moved = {c.id: [] for c in domain.candidates}
    out = {c.id: [] if c.available else [("lifecycle", "rule-out", None, ())] for c in domain.candidates}
    for rule in fired:
        quoted = tuple((q, answered[q]) for q in condition_questions(rule.when) if q in answered)
        for candidate, weight in rule.favour:
            scores[candidate] += weight
            moved[candidate].append((rule.id, "favour", weight, quoted))
        for candidate, weight in rule.disfavour:
            scores[candidate] -= weight
            moved[candidate].append((rule.id, "disfavour", weight, quoted))
        for candidate in rule.rule_out:
            out[candidate].append((rule.id, "rule-out", None, quoted))
    ranked = sorted((c for c in domain.candidates if not out[c.id]), key=lambda c: -scores[c.id])
    return (
        [r.id for r in fired],
        [(c.id, scores[c.id], moved[c.id]) for c in ranked],
        [(c.id, out[c.id]) for c in domain.candidates if out[c.id]],
    )


def _as_plain(advice):
    def reasons(standing):
        return [(r.rule, r.effect, r.weight, r.answers) for r in standing.reasons]

    return (
        list(advice.fired),
        [(s.candidate.id, s.score, reasons(s)) for s in advice.recommendations],
        [(s.candidate.id, reasons(s)) for s in advice.ruled_out],
    )


def test_evaluate_agrees_with_a_plain_evaluator_on_every_shipped_answer_sequence(shipped):
    checked = 0
    for domain in shipped.domains:
        for complete in every_path(domain, shipped.version, every_choice=True):
            answers = dict(complete.answers)
            for part in (answers, dict(list(answers.items())[: len(answers) // 2])):
                advice = evaluate(domain, part, rules_version="t")
                assert _as_plain(advice) == _plainly(domain, part), (domain.id, part)
                assert top_candidate(domain, part) == (advice.top.candidate if advice.top else None)
                checked += 1
    assert checked > 6000
