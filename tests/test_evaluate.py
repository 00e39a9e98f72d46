"""The evaluator is a pure function: no database, no Django."""

import pytest

from advisor.engine import AnswerError, advice_document, answers_canonical, answers_parse, evaluate, question_next, unsure_alternatives
from advisor.engine.evaluate import truth
from advisor.engine.model import AllOf, AnyOf, Match, Not

from .conftest import TINY, write_rules


def advise(book, **answers):
    return evaluate(book.domain("tiny"), answers, rules_version=book.version)


T, F, U = True, False, None
IS_A = Match("q", frozenset({"a"}))


@pytest.mark.parametrize(
    ("condition", "facts", "expected"),
    [
        (IS_A, {"q": "a"}, T),
        (IS_A, {"q": "b"}, F),
        (IS_A, {}, U),
        (Not(IS_A), {}, U),
        (Not(IS_A), {"q": "b"}, T),
        (AllOf((IS_A, Match("r", frozenset({"x"})))), {"q": "b"}, F),  # false wins over unknown
        (AllOf((IS_A, Match("r", frozenset({"x"})))), {"q": "a"}, U),
        (AnyOf((IS_A, Match("r", frozenset({"x"})))), {"r": "x"}, T),  # true wins over unknown
        (AnyOf((IS_A, Match("r", frozenset({"x"})))), {"q": "b"}, U),
        (AnyOf((IS_A, Match("r", frozenset({"x"})))), {"q": "b", "r": "y"}, F),
    ],
)
def test_three_valued_logic(condition, facts, expected):
    assert truth(condition, facts) is expected


def test_next_question_follows_ask_if(tiny):
    domain = tiny.domain("tiny")
    assert question_next(domain, {}).id == "shape"
    assert question_next(domain, {"shape": "tables"}).id == "engine"
    assert question_next(domain, {"shape": "items"}) is None
    # A follow-up whose premise is "not sure" is not asked.
    assert question_next(domain, {"shape": "not_sure"}) is None


def test_answers_that_no_longer_apply_are_dropped(tiny):
    domain = tiny.domain("tiny")
    assert answers_canonical(domain, {"engine": "oracle", "shape": "items"}) == (("shape", "items"),)
    assert answers_canonical(domain, {"engine": "oracle", "shape": "tables"}) == (("shape", "tables"), ("engine", "oracle"))
    # While an earlier question is unanswered, a later answer is kept.
    assert answers_canonical(domain, {"engine": "oracle"}) == (("engine", "oracle"),)


def test_ranking_reasons_and_rule_outs(tiny):
    advice = advise(tiny, shape="tables", engine="oracle")
    assert advice.complete
    assert [s.candidate.id for s in advice.recommendations] == ["rel"]
    top = advice.top
    assert top.score == 3
    assert [(r.rule, r.effect, r.weight, r.answers) for r in top.reasons] == [("tables-relational", "favour", 3, (("shape", "tables"),))]
    out = {s.candidate.id: s for s in advice.ruled_out}
    assert set(out) == {"kv", "old"}
    assert out["kv"].reasons[0].answers == (("shape", "tables"), ("engine", "oracle"))
    assert advice.fired == ("tables-relational", "oracle-not-kv")


def test_retired_service_is_ruled_out_with_successor(tiny):
    advice = advise(tiny, shape="items")
    old = next(s for s in advice.ruled_out if s.candidate.id == "old")
    assert old.reasons[0].rule == "lifecycle"
    assert (
        old.reasons[0].because
        == "Old store reached end of support on 2025-07-31; use Relational store instead. Move to the relational store."
    )
    assert [(c.kind, c.text) for c in old.cautions] == [
        ("lifecycle", "End of support 2025-07-31; use Relational store instead. Move to the relational store.")
    ]


def test_not_sure_moves_no_score(tiny):
    advice = advise(tiny, shape="not_sure")
    assert advice.complete
    assert advice.fired == ()
    assert [s.score for s in advice.recommendations] == [0, 0]


def test_ties_keep_file_order(tiny):
    assert [s.candidate.id for s in advise(tiny).recommendations] == ["rel", "kv"]


def test_disfavour_lowers_the_score(tiny):
    advice = advise(tiny, shape="items")
    assert [(s.candidate.id, s.score) for s in advice.recommendations] == [("kv", 3), ("rel", -1)]


def test_unknown_answers_are_refused(tiny):
    domain = tiny.domain("tiny")
    with pytest.raises(AnswerError) as caught:
        answers_parse(domain, {"colour": "red"})
    assert (caught.value.code, caught.value.detail) == ("unknown-question", "'colour' is not a question of tiny")
    with pytest.raises(AnswerError) as caught:
        answers_parse(domain, {"shape": "blob"})
    assert caught.value.detail == "'blob' is not an answer to 'shape'; the answers are: tables, items, not_sure"


def test_deprecated_choice_follows_its_replacement(tmp_path):
    text = TINY.replace(
        "      - {id: items, label: Items}",
        "      - {id: items, label: Items}\n      - {id: rows, label: Rows, status: deprecated, replaced_by: tables}\n"
        "      - {id: blobs, label: Blobs, status: deprecated, replaced_by: null}",
    )
    from advisor.engine import rulebook_load

    domain = rulebook_load(write_rules(tmp_path, {"tiny.yaml": text})).domain("tiny")
    assert answers_parse(domain, {"shape": "rows"}) == {"shape": "tables"}
    assert answers_parse(domain, {"shape": "blobs"}) == {}
    assert [c.id for c in domain.question("shape").offered_choices] == ["tables", "items", "not_sure"]


def test_unsure_alternatives_say_which_answer_changes_the_outcome(tiny):
    alternatives = unsure_alternatives(tiny.domain("tiny"), {"shape": "not_sure"}, rules_version=tiny.version)
    assert [(a.question.id, a.choice_id, a.top.id) for a in alternatives] == [("shape", "items", "kv")]


def test_json_document_has_the_design_shape(tiny):
    document = advice_document(advise(tiny, shape="tables"))
    assert list(document) == [
        "domain",
        "rules_version",
        "complete",
        "decided",
        "would_decide",
        "answers",
        "next_question",
        "recommendations",
        "ruled_out",
    ]
    assert document["complete"] is False
    assert document["next_question"]["id"] == "engine"
    assert [c["id"] for c in document["next_question"]["choices"]] == ["open", "oracle", "not_sure"]
    reason = document["recommendations"][0]["reasons"][0]
    assert list(reason) == ["rule", "effect", "weight", "because", "source", "answers", "location"]
    assert reason["location"] == "rules/tiny.yaml:" + str(TINY.splitlines().index("  - id: tables-relational") + 1)
    old = next(c for c in document["ruled_out"] if c["id"] == "old")
    assert "score" not in old
    assert "weight" not in old["reasons"][0]
    assert old["cautions"][0]["kind"] == "lifecycle"


def test_engine_imports_no_django():
    import subprocess
    import sys

    code = "import sys, advisor.engine; sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
